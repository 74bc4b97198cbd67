// AddTagsToResource, ListTagsForResource and RemoveTagsFromResource for every resource type a
// capability registers as taggable (Parameter, Document, ManagedInstance, ...). A resource type no
// capability keeps yet has no resources, so any id for it is InvalidResourceId.
import type {
  AddTagsToResourceRequest,
  AddTagsToResourceResult,
  ListTagsForResourceRequest,
  ListTagsForResourceResult,
  RemoveTagsFromResourceRequest,
  RemoveTagsFromResourceResult,
} from '@aws-sdk/client-ssm';
import type { Capability, RequestContext, Tag } from '../core/capability.js';
import { errors, SsmError } from '../protocol/errors.js';

const DEFAULT_MAX_TAGS = 50;

export function tagsCapability(): Capability {
  const target = (ctx: RequestContext, type: string, id: string): { list: Tag[]; max: number } => {
    const kind = ctx.services.taggable.get(type);
    if (!kind) throw errors.invalidResourceId();
    return { list: kind.tags(ctx, id), max: kind.maxTags ?? DEFAULT_MAX_TAGS };
  };
  return {
    name: 'tags',
    handlers: {
      AddTagsToResource: async (input: AddTagsToResourceRequest, ctx): Promise<AddTagsToResourceResult> => {
        const { list, max } = target(ctx, input.ResourceType!, input.ResourceId!);
        const merged = [...list];
        for (const tag of input.Tags ?? []) {
          if (tag.Key!.toLowerCase().startsWith('aws:')) {
            throw new SsmError('InvalidParameters', `Tag keys beginning with "aws:" are reserved.`);
          }
          const existing = merged.find((t) => t.Key === tag.Key);
          if (existing) existing.Value = tag.Value!;
          else merged.push({ Key: tag.Key!, Value: tag.Value! });
        }
        if (merged.length > max) throw errors.tooManyTagsError();
        list.splice(0, list.length, ...merged);
        await ctx.persist();
        return {};
      },
      ListTagsForResource: (input: ListTagsForResourceRequest, ctx): ListTagsForResourceResult => {
        const { list } = target(ctx, input.ResourceType!, input.ResourceId!);
        return { TagList: list.map((t) => ({ Key: t.Key, Value: t.Value })) };
      },
      RemoveTagsFromResource: async (
        input: RemoveTagsFromResourceRequest,
        ctx,
      ): Promise<RemoveTagsFromResourceResult> => {
        const { list } = target(ctx, input.ResourceType!, input.ResourceId!);
        const remove = new Set(input.TagKeys ?? []);
        const kept = list.filter((t) => !remove.has(t.Key));
        list.splice(0, list.length, ...kept);
        await ctx.persist();
        return {};
      },
    },
  };
}
