// The JSDoc and parameter names of each export of the entry file, read with the TypeScript
// compiler so a re-export (`export { f } from './m'`) finds the comment at f's declaration.
// Sheets reads `@customfunction` and `@param` from the top-level function in Code.js.
import ts from 'typescript';

export interface ExportDoc {
  /** The JSDoc block as written (`/** … *\/`), or null when the export has none. */
  jsDoc: string | null;
  params: string[];
}

export function readEntryDocs(entryFile: string): Map<string, ExportDoc> {
  const program = ts.createProgram([entryFile], {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowJs: false,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entryFile);
  const docs = new Map<string, ExportDoc>();
  if (!source) return docs;
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return docs;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
    docs.set(exported.name, decl ? docOf(decl) : { jsDoc: null, params: [] });
  }
  return docs;
}

function docOf(decl: ts.Declaration): ExportDoc {
  // `export const f = (a) => …`: the comment sits on the variable statement, the params on the arrow.
  const commented = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  const jsDocs = ts.getJSDocCommentsAndTags(commented).filter(ts.isJSDoc);
  const last = jsDocs[jsDocs.length - 1];
  const fn = functionLike(decl);
  return {
    jsDoc: last ? last.getText() : null,
    params: fn ? fn.parameters.map((p, i) => (ts.isIdentifier(p.name) ? p.name.text : `arg${i}`)) : [],
  };
}

function functionLike(decl: ts.Declaration): ts.SignatureDeclaration | null {
  if (ts.isFunctionDeclaration(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer &&
    (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))) return decl.initializer;
  return null;
}

/** Member names of an interface (e.g. `ServerFunctions` in rpc.ts), read from the source. */
export function readInterfaceMembers(file: string, text: string, name: string): string[] | null {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) {
      return statement.members.flatMap((m) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? [m.name.text] : []));
    }
  }
  return null;
}
