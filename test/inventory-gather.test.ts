// The inventory gatherer against real containers: AWS-GatherSoftwareInventory sent with SendCommand
// gathers in each instance (its package manager, interfaces, CPU, files, custom inventory) and
// ListInventoryEntries shows what it found.
import {
  DescribeInstanceInformationCommand,
  GetDocumentCommand,
  ListInventoryEntriesCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { release } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { commandSettled, getInvocation, runShell, settled } from './commands-helpers.js';

const hasDocker = await requireDocker('inventory gatherer');
const SUCCESS =
  'Inventory policy has been successfully applied and collected inventory data has been uploaded to SSM';

/** A real package install without a mirror: build a .deb in the instance and dpkg -i it. */
const INSTALL_PACKAGE = `set -e
d=$(mktemp -d); mkdir -p "$d/pkg/DEBIAN" "$d/pkg/usr/share/ssm-local-probe"
echo probe > "$d/pkg/usr/share/ssm-local-probe/README"
cat > "$d/pkg/DEBIAN/control" <<'EOF'
Package: ssm-local-probe
Version: 1.2.3-1
Section: utils
Priority: optional
Architecture: all
Maintainer: Probe Maker <probe@example.com>
Homepage: https://example.com/probe
Description: a probe package for inventory tests
 Its long description is not part of the summary.
EOF
dpkg-deb --build "$d/pkg" "$d/probe.deb" >/dev/null
dpkg -i "$d/probe.deb" >/dev/null
dpkg-query -W ssm-local-probe`;

const FILES = `set -e
mkdir -p /opt/app/sub
printf 'hello' > /opt/app/a.log
printf 'x' > /opt/app/b.txt
printf 'nested!' > /opt/app/sub/c.log`;

function customFile(instanceId: string): string {
  const dir = `/var/lib/amazon/ssm/${instanceId}/inventory/custom`;
  return `set -e
mkdir -p ${dir}
cat > ${dir}/rack.json <<'EOF'
{"SchemaVersion": "1.0", "TypeName": "Custom:RackInfo", "Content": {"RackLocation": "Bay B/Row C/Rack D/Shelf E"}}
EOF
echo 'not json' > ${dir}/broken.json`;
}

describe.skipIf(!hasDocker)('inventory gatherer (aws:softwareInventory)', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let web: string;
  let db: string;

  /** Every page of ListInventoryEntries (50 entries at most per page). */
  const entries = async (instanceId: string, typeName: string) => {
    const first = await ssm.send(
      new ListInventoryEntriesCommand({ InstanceId: instanceId, TypeName: typeName }),
    );
    const all = [...(first.Entries ?? [])];
    for (let token = first.NextToken; token;) {
      const page = await ssm.send(
        new ListInventoryEntriesCommand({ InstanceId: instanceId, TypeName: typeName, NextToken: token }),
      );
      all.push(...(page.Entries ?? []));
      token = page.NextToken;
    }
    return { ...first, Entries: all };
  };

  const gather = async (parameters: Record<string, string[]>, instanceIds = [web, db]) => {
    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-GatherSoftwareInventory',
        InstanceIds: instanceIds,
        Parameters: parameters,
      }),
    );
    const commandId = sent.Command!.CommandId!;
    await commandSettled(ssm, commandId);
    return Promise.all(instanceIds.map((id) => getInvocation(ssm, commandId, id)));
  };

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'inv-web', tags: { Role: 'web', Team: 'blue' } },
        { name: 'inv-db', tags: { Role: 'db' } },
      ],
    });
    ssm = server.client();
    web = server.instances.find((i) => i.name === 'inv-web')!.instanceId;
    db = server.instances.find((i) => i.name === 'inv-db')!.instanceId;
    const prepare = async (instanceId: string, script: string) => {
      const command = await runShell(ssm, [script], { InstanceIds: [instanceId] });
      const inv = await settled(ssm, command.CommandId!, instanceId);
      if (inv.Status !== 'Success') throw new Error(`preparing ${instanceId}: ${inv.StandardErrorContent}`);
      return inv.StandardOutputContent ?? '';
    };
    expect(await prepare(web, INSTALL_PACKAGE)).toContain('ssm-local-probe\t1.2.3-1');
    await prepare(web, `${FILES}\n${customFile(web)}`);
    await prepare(db, FILES);
  });
  afterAll(async () => server?.stop());

  it('serves AWS-GatherSoftwareInventory as Amazon publishes it', async () => {
    const doc = await ssm.send(new GetDocumentCommand({ Name: 'AWS-GatherSoftwareInventory' }));
    const content = JSON.parse(doc.Content!) as {
      schemaVersion: string;
      parameters: Record<string, { default: string }>;
      mainSteps: { action: string; name: string }[];
    };
    expect(content.schemaVersion).toBe('2.0');
    expect(Object.keys(content.parameters)).toEqual([
      'applications',
      'awsComponents',
      'files',
      'networkConfig',
      'billingInfo',
      'windowsUpdates',
      'instanceDetailedInformation',
      'services',
      'windowsRegistry',
      'windowsRoles',
      'customInventory',
    ]);
    expect(content.mainSteps).toMatchObject([
      { action: 'aws:softwareInventory', name: 'collectSoftwareInventoryItems' },
    ]);
  });

  it('with applications Disabled gathers everything but AWS:Application', async () => {
    const invocations = await gather({ applications: ['Disabled'] });
    for (const inv of invocations) {
      expect(inv).toMatchObject({ Status: 'Success', ResponseCode: 0, StandardOutputContent: SUCCESS });
    }
    for (const id of [web, db]) {
      expect((await entries(id, 'AWS:Application')).Entries).toEqual([]);
      expect((await entries(id, 'AWS:Network')).Entries!.length).toBeGreaterThan(0);
    }
  });

  it('lists the package installed in one instance and not in the other', async () => {
    const invocations = await gather({
      files: [JSON.stringify([{ Path: '/opt/app', Pattern: ['*.log'], Recursive: true }])],
    });
    for (const inv of invocations)
      expect(inv).toMatchObject({ Status: 'Success', StandardOutputContent: SUCCESS });

    const onWeb = await entries(web, 'AWS:Application');
    expect(onWeb.SchemaVersion).toBe('1.1');
    expect(onWeb.CaptureTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(onWeb.Entries).toContainEqual({
      Name: 'ssm-local-probe',
      Publisher: 'Probe Maker <probe@example.com>',
      Version: '1.2.3-1',
      ApplicationType: 'utils',
      Architecture: 'all',
      URL: 'https://example.com/probe',
      Summary: 'a probe package for inventory tests',
      PackageId: 'ssm-local-probe_1.2.3-1_all.deb',
    });
    const onDb = await entries(db, 'AWS:Application');
    const names = (list: typeof onDb) => list.Entries!.map((e) => e.Name);
    expect(names(onDb)).not.toContain('ssm-local-probe');
    expect(names(onDb)).toContain('dpkg');
    expect(onDb.Entries!.find((e) => e.Name === 'dpkg')).toMatchObject({ Architecture: 'x86_64' });
  });

  it('reports instance details, network and instance information as the instance has them', async () => {
    const described = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [web] }] }),
    );
    const info = described.InstanceInformationList![0]!;

    const detailed = (await entries(web, 'AWS:InstanceDetailedInformation')).Entries!;
    expect(detailed).toHaveLength(1);
    expect(detailed[0]).toMatchObject({ KernelVersion: release(), OSServicePack: '' });
    expect(detailed[0]!.CPUs).toMatch(/^\d+$/);
    expect(detailed[0]!.CPUCores).toMatch(/^\d+$/);
    expect(detailed[0]!.CPUHyperThreadEnabled).toMatch(/^(true|false)$/);
    expect(detailed[0]!.CPUModel).not.toBe('');

    const network = (await entries(web, 'AWS:Network')).Entries!;
    expect(network.map((n) => n.Name)).not.toContain('lo');
    const eth0 = network.find((n) => n.Name === 'eth0')!;
    expect(eth0.IPV4).toBe(info.IPAddress);
    expect(eth0.MacAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);

    const instance = (await entries(web, 'AWS:InstanceInformation')).Entries!;
    expect(instance).toEqual([
      expect.objectContaining({
        InstanceId: web,
        PlatformType: 'Linux',
        PlatformName: info.PlatformName,
        PlatformVersion: info.PlatformVersion,
        ComputerName: info.ComputerName,
        IpAddress: info.IPAddress,
        AgentVersion: info.AgentVersion,
        ResourceType: 'EC2Instance',
      }),
    ]);
  });

  it('lists the files the files parameter matches, and the instance tags', async () => {
    const files = (await entries(db, 'AWS:File')).Entries!;
    const byName = new Map(files.map((f) => [f.Name, f]));
    expect([...byName.keys()].sort()).toEqual(['a.log', 'c.log']);
    expect(byName.get('a.log')).toMatchObject({ Size: '5', InstalledDir: '/opt/app' });
    expect(byName.get('c.log')).toMatchObject({ Size: '7', InstalledDir: '/opt/app/sub' });
    expect(byName.get('a.log')!.ModificationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The tags Run Command targets by (the fleet adds Name).
    const tags = (await entries(web, 'AWS:Tag')).Entries!;
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'Role', Value: 'web' },
        { Key: 'Team', Value: 'blue' },
      ]),
    );
    expect(tags).toEqual(server.instances.find((i) => i.instanceId === web)!.tags);
    expect((await entries(db, 'AWS:Tag')).Entries).toContainEqual({ Key: 'Role', Value: 'db' });
  });

  it('takes the custom inventory files an instance carries, skipping broken ones', async () => {
    expect((await entries(web, 'Custom:RackInfo')).Entries).toEqual([
      { RackLocation: 'Bay B/Row C/Rack D/Shelf E' },
    ]);
    expect((await entries(db, 'Custom:RackInfo')).Entries).toEqual([]);
  });

  it('fails the step, gathering nothing, when the files parameter is not JSON', async () => {
    const [inv] = await gather({ files: ['[{"Path": "/opt"'] }, [db]);
    expect(inv).toMatchObject({ Status: 'Failed', ResponseCode: 1, StandardOutputContent: '' });
    expect(inv!.StandardErrorContent).toContain('Encountered error while executing AWS:File. Error - ');
  });
});
