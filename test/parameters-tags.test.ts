// Parameter Store: the Parameter resource type of AddTagsToResource, ListTagsForResource and
// RemoveTagsFromResource, and the tags PutParameter sets on creation.
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ssm: SSMClient;
let counter = 0;
const unique = () => `/tags/p${++counter}`;
const list = async (ResourceId: string) =>
  (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId }))).TagList;

beforeAll(async () => {
  server = await startTestServer();
  ssm = server.client();
});
afterAll(async () => server.stop());

describe('tags on parameters', () => {
  it('PutParameter sets the initial tags', async () => {
    const name = unique();
    await ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: 'v',
        Type: 'String',
        Tags: [
          { Key: 'env', Value: 'dev' },
          { Key: 'team', Value: 'blue' },
        ],
      }),
    );
    expect(await list(name)).toEqual([
      { Key: 'env', Value: 'dev' },
      { Key: 'team', Value: 'blue' },
    ]);
  });

  it('adds, replaces and removes tags, and keeps them across overwrites', async () => {
    const name = unique();
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String' }));
    expect(await list(name)).toEqual([]);
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: name,
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
        ],
      }),
    );
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: name,
        Tags: [{ Key: 'a', Value: '9' }],
      }),
    );
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'w', Overwrite: true }));
    expect(await list(name)).toEqual([
      { Key: 'a', Value: '9' },
      { Key: 'b', Value: '2' },
    ]);
    await ssm.send(
      new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: name, TagKeys: ['a'] }),
    );
    expect(await list(name)).toEqual([{ Key: 'b', Value: '2' }]);
  });

  it('reaches a top-level parameter by either name form', async () => {
    const bare = `tagged${++counter}`;
    await ssm.send(
      new PutParameterCommand({ Name: bare, Value: 'v', Type: 'String', Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    expect(await list(`/${bare}`)).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  it('answers InvalidResourceId for a missing, deleted or public parameter', async () => {
    expect((await errorOf(() => list('/tags/none'))).name).toBe('InvalidResourceId');
    const name = unique();
    await ssm.send(
      new PutParameterCommand({ Name: name, Value: 'v', Type: 'String', Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    const gone = await errorOf(() =>
      ssm.send(
        new AddTagsToResourceCommand({
          ResourceType: 'Parameter',
          ResourceId: name,
          Tags: [{ Key: 'x', Value: 'y' }],
        }),
      ),
    );
    expect(gone.name).toBe('InvalidResourceId');
    // Re-created, it starts without the old tags.
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String' }));
    expect(await list(name)).toEqual([]);
    const pub = await errorOf(() => list('/aws/service/global-infrastructure/regions/us-east-1'));
    expect(pub.name).toBe('InvalidResourceId');
    const malformed = await errorOf(() => list('no//good'));
    expect(malformed.name).toBe('InvalidResourceId');
  });

  it('keeps tags per region', async () => {
    const name = unique();
    await ssm.send(
      new PutParameterCommand({ Name: name, Value: 'v', Type: 'String', Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    const west = server.client('us-west-2');
    const error = await errorOf(() =>
      west.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name })),
    );
    expect(error.name).toBe('InvalidResourceId');
  });
});
