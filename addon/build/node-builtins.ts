// Apps Script V8 has no Node: neither its modules nor its globals. The plugin stops an import
// of a built-in at bundle time; the scan catches free uses of Node globals in the output.
import { builtinModules } from 'node:module';
import ts from 'typescript';
import type { Plugin } from 'esbuild';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NODE_GLOBALS = new Set(['require', 'process', 'Buffer', '__dirname', '__filename', 'global', 'setImmediate', 'module']);

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier);
}

/** Fails the build on `import … from 'fs'` (or any built-in), naming the importing file. */
export function forbidNodeBuiltins(): Plugin {
  return {
    name: 'rowshot-forbid-node-builtins',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined;
        return { errors: [{ text: `imports the Node built-in '${args.path}', which Apps Script does not have` }] };
      });
    },
  };
}

/**
 * Names of Node globals the bundle uses without declaring them (`process.env`, `Buffer.from`,
 * `require(…)`). Text inside strings, property names (`x.process`) and `typeof` guards do not count.
 */
export function freeNodeGlobals(code: string): string[] {
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isDeclarationName =
        (ts.isVariableDeclaration(parent) || ts.isFunctionDeclaration(parent) || ts.isParameter(parent) ||
          ts.isClassDeclaration(parent) || ts.isFunctionExpression(parent) || ts.isBindingElement(parent)) &&
        parent.name === node;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) ||
          ts.isPropertyDeclaration(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) &&
        parent.name === node;
      // `typeof process !== 'undefined'` is a guard that works without Node.
      const isGuard = ts.isTypeOfExpression(parent);
      if (isDeclarationName) declared.add(node.text);
      else if (!isPropertyName && !isGuard) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...used].filter((name) => !declared.has(name)).sort();
}
