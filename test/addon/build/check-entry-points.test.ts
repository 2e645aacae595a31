// A name Google calls us by (menu item, trigger, custom function, google.script.run) that the
// entry does not export would fail only when a user clicks; the build fails instead.
import { describe, expect, it } from 'vitest';
import { freeNodeGlobals } from '../../../addon/build/node-builtins';
import { buildFixture, fixture } from './fixture-build';

describe('entry point checks', () => {
  it('fails the build naming a menu handler the entry does not export', async () => {
    await expect(buildFixture({ entryPoints: fixture('server/entry-points-unexported.ts') })).rejects.toMatchObject({
      code: 'missing_entry_points',
      message: 'not exported by the entry: notExported (menu item)',
    });
  });

  it('fails when a custom function has no @customfunction tag', async () => {
    await expect(buildFixture({ entry: fixture('server/index-untagged.ts') })).rejects.toMatchObject({
      code: 'missing_entry_points',
      message: 'no @customfunction in the JSDoc of: DOUBLE',
    });
  });

  it('fails naming each google.script.run function the entry lacks', async () => {
    await expect(buildFixture({ rpc: fixture('server/rpc-extra.ts') })).rejects.toMatchObject({
      message: 'not exported by the entry: getThing (google.script.run), setThing (google.script.run)',
    });
  });

  it('fails when the bundle imports a Node built-in', async () => {
    await expect(buildFixture({ entry: fixture('server/index-node.ts') })).rejects.toMatchObject({
      code: 'node_builtin',
      message: expect.stringContaining("imports the Node built-in 'node:fs'"),
    });
  });
});

describe('freeNodeGlobals', () => {
  it('finds Node globals used by the code, not names in strings, properties or typeof guards', () => {
    expect(freeNodeGlobals('var a = process.env.X; Buffer.from("x"); require("y");')).toEqual(['Buffer', 'process', 'require']);
    expect(freeNodeGlobals('var s = "process.env"; var o = { process: 1 }; o.process; typeof process !== "undefined";')).toEqual([]);
    expect(freeNodeGlobals('function f(process) { return process.x; } var Buffer = 1; Buffer + 1;')).toEqual([]);
  });
});
