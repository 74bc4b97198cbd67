// GetDeployablePatchSnapshotForInstance: the baseline that applies to the instance (its patch group's
// for its operating system, else the default; a BaselineOverride replaces it) and the instance's
// Product, read from its os-release. AWS answers a presigned URL of the snapshot in its S3 bucket
// patch-baseline-snapshot-<region>; ssm-local answers a URL of that shape, which nothing serves (the
// AWS-RunPatchBaseline of ssm-local asks the baselines directly, not through the URL).
import { createHash, createHmac } from 'node:crypto';
import type {
  GetDeployablePatchSnapshotForInstanceRequest,
  GetDeployablePatchSnapshotForInstanceResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { parseOsRelease } from '../../core/os-release.js';
import { EXECUTOR, FLEET, type ManagedInstance } from '../../instances/api.js';
import { baselineErrors } from './errors.js';
import { patchProperties } from './predefined.js';
import type { BaselineRules } from '../model.js';
import { checkedSettings } from './validate.js';

/** How long reading os-release in the instance may take (a wait on the container engine). */
const READ_TIMEOUT_MS = 30_000;

export interface InstanceProduct {
  /** Patch Manager's PRODUCT, e.g. "Debian12". */
  product: string;
  operatingSystem: string;
}

/** Patch Manager's product and operating system for an os-release, or undefined when unsupported. */
export function productOf(osRelease: Record<string, string>): InstanceProduct | undefined {
  const id = (osRelease.ID ?? '').toLowerCase();
  const version = osRelease.VERSION_ID ?? '';
  const major = version.split('.')[0] ?? '';
  const candidates: Record<string, InstanceProduct> = {
    debian: { product: `Debian${major}`, operatingSystem: 'DEBIAN' },
    raspbian: { product: `Raspbian${major}`, operatingSystem: 'RASPBIAN' },
    ubuntu: { product: `Ubuntu${version}`, operatingSystem: 'UBUNTU' },
    amzn:
      version === '2'
        ? { product: 'AmazonLinux2', operatingSystem: 'AMAZON_LINUX_2' }
        : version === '2023'
          ? { product: 'AmazonLinux2023', operatingSystem: 'AMAZON_LINUX_2023' }
          : { product: `AmazonLinux${version}`, operatingSystem: 'AMAZON_LINUX' },
  };
  const found = Object.hasOwn(candidates, id) ? candidates[id] : undefined;
  if (!found) return undefined;
  const known = patchProperties(found.operatingSystem, 'PRODUCT') ?? [];
  return known.some((p) => p.Name === found.product) ? found : undefined;
}

async function readOsRelease(
  ctx: RequestContext,
  instance: ManagedInstance,
): Promise<Record<string, string>> {
  const executor = ctx.services.registry.find(EXECUTOR);
  if (!executor || !instance.online || instance.platformType !== 'Linux') return {};
  const handle = await executor.exec(instance.containerId, {
    argv: ['/bin/sh', '-c', 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null'],
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), READ_TIMEOUT_MS);
  });
  const result = await Promise.race([handle.result, timeout]);
  clearTimeout(timer);
  if (!result) {
    await handle.kill();
    return {};
  }
  return result.exitCode === 0 ? parseOsRelease(result.stdout) : {};
}

function snapshotUrl(ctx: RequestContext, os: string, snapshotId: string, rules: BaselineRules): string {
  const now = ctx.services.clock.now().toISOString();
  const stamp = `${now.slice(0, 19).replace(/[-:]/g, '')}Z`;
  const day = stamp.slice(0, 8);
  const content = createHash('sha256').update(JSON.stringify(rules)).digest('hex');
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Date': stamp,
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Expires': '86400',
    'X-Amz-Credential': `SSMLOCAL/${day}/${ctx.region}/s3/aws4_request`,
  });
  const path = `/${content}-${ctx.accountId}/${os}-${snapshotId}`;
  query.set(
    'X-Amz-Signature',
    createHmac('sha256', 'ssm-local').update(`${path}?${query.toString()}`).digest('hex'),
  );
  return `https://patch-baseline-snapshot-${ctx.region}.s3.amazonaws.com${path}?${query.toString()}`;
}

export function getDeployablePatchSnapshotForInstance(
  effectiveRules: (ctx: RequestContext, instance: ManagedInstance, os: string) => BaselineRules,
) {
  return async (
    input: GetDeployablePatchSnapshotForInstanceRequest,
    ctx: RequestContext,
  ): Promise<GetDeployablePatchSnapshotForInstanceResult> => {
    const instanceId = input.InstanceId!;
    const instance = await ctx.services.registry.get(FLEET).get(ctx.accountId, ctx.region, instanceId);
    if (!instance) throw baselineErrors.unknownInstance(instanceId);
    const found = productOf(await readOsRelease(ctx, instance));
    if (!found) throw baselineErrors.unsupportedOs();
    let rules: BaselineRules;
    if (input.BaselineOverride) {
      const override = input.BaselineOverride;
      if ((override.OperatingSystem ?? found.operatingSystem) !== found.operatingSystem) {
        throw baselineErrors.unsupportedOs();
      }
      const { Name: _name, ...settings } = checkedSettings(
        { ...override, OperatingSystem: found.operatingSystem },
        'BaselineOverride',
      );
      rules = settings;
    } else rules = effectiveRules(ctx, instance, found.operatingSystem);
    return {
      InstanceId: instanceId,
      SnapshotId: input.SnapshotId,
      Product: found.product,
      SnapshotDownloadUrl: snapshotUrl(ctx, found.operatingSystem, input.SnapshotId!, rules),
    };
  };
}
