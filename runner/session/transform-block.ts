/**
 * A TypeScript block → a script that a session evaluates so that the block's top-level
 * declarations outlive it, like definitions typed into an interpreter.
 *
 * ```ts
 * import * as net from "node:net";          var net, main;
 * const main = async () => { ... };   →     (async () => {
 * await trio.run(main);                       net = await __twb.import("node:net");
 *                                             main = async () => { ... };
 *                                             await trio.run(main);
 *                                           })()
 * ```
 *
 * The top-level names become `var`s of the script, hence properties of the session's global
 * object; the body runs in an async function so that top-level `await` works. Later blocks see
 * the names as globals, looked up when used, so redefining a function in a later block changes
 * what earlier functions call, as in the seed talk's Python session. Runs in the server: it
 * only parses and prints code, never runs it.
 */
import ts from "typescript";

/** How to transform. */
export interface TransformOptions {
  /** `console` returns the value of a final expression statement, to be shown. @default "block" */
  mode?: "block" | "console";
  /** The name stack traces and syntax errors show. @default "block.ts" */
  fileName?: string;
}

/** The transformed block. */
export interface TransformedBlock {
  /** A script (not a module) whose completion value is the promise of the block's run. */
  code: string;
  /** The top-level names the block defines. */
  names: string[];
}

/** Thrown when the block does not parse; the message shows where. */
export class BlockSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockSyntaxError";
  }
}

/** The helper object a session defines for transformed code. */
export const HELPER = "__twb";

/**
 * Transforms a block.
 *
 * @param source - the block's TypeScript (JavaScript is TypeScript too).
 * @param options - see {@link TransformOptions}.
 * @returns the script and the names it defines.
 * @throws BlockSyntaxError when the block does not parse.
 * @example
 * transformBlock("const x = 1").names // ["x"]
 */
export function transformBlock(source: string, options: TransformOptions = {}): TransformedBlock {
  const fileName = options.fileName ?? "block.ts";
  const names = new Set<string>();
  const output = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      // Keep every import: they are turned into dynamic imports before TypeScript could elide them.
      verbatimModuleSyntax: false,
      isolatedModules: true,
      sourceMap: false,
      removeComments: false,
    },
    transformers: { before: [(context) => (file) => persistTopLevel(file, context, options.mode ?? "block", names)] },
  });
  const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new BlockSyntaxError(errors.map(describeDiagnostic).join("\n"));
  // TypeScript marks a file that had imports as a module with `export {}`; the script is not one.
  const code = output.outputText.replace(/^export \{\};\s*$/m, "");
  return { code, names: [...names] };
}

function describeDiagnostic(diagnostic: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${diagnostic.file.fileName}:${line + 1}:${character + 1}: ${text}`;
}

function persistTopLevel(
  file: ts.SourceFile,
  context: ts.TransformationContext,
  mode: "block" | "console",
  names: Set<string>,
): ts.SourceFile {
  const f = context.factory;
  const hoisted: ts.Statement[] = [];
  const body: ts.Statement[] = [];
  const assign = (name: ts.Identifier | string, value: ts.Expression) => {
    const id = typeof name === "string" ? f.createIdentifier(name) : f.createIdentifier(name.text);
    names.add(id.text);
    return f.createExpressionStatement(f.createAssignment(id, value));
  };
  const dynamicImport = (specifier: ts.Expression) =>
    f.createAwaitExpression(
      f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(HELPER), "import"), undefined, [specifier]),
    );

  const statements = file.statements;
  statements.forEach((statement, i) => {
    const isLast = i === statements.length - 1;
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      const modifiers = statement.modifiers?.filter((m) => m.kind === ts.SyntaxKind.AsyncKeyword) as ts.Modifier[] | undefined;
      const expression = f.createFunctionExpression(
        modifiers, statement.asteriskToken, statement.name.text, statement.typeParameters,
        statement.parameters, statement.type, statement.body,
      );
      // Hoisted, as function declarations are: the block may call a function defined below.
      hoisted.push(assign(statement.name, expression));
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      const modifiers = statement.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
      const expression = f.createClassExpression(
        modifiers as ts.ModifierLike[] | undefined, statement.name.text, statement.typeParameters,
        statement.heritageClauses, statement.members,
      );
      body.push(assign(statement.name, expression));
    } else if (ts.isVariableStatement(statement) && !hasDeclareModifier(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        body.push(...assignDeclaration(f, declaration, assign, names));
      }
    } else if (ts.isImportDeclaration(statement)) {
      body.push(...importToAssignments(f, statement, dynamicImport, assign));
    } else if (ts.isExportAssignment(statement)) {
      body.push(f.createExpressionStatement(statement.expression));
    } else if (ts.isExportDeclaration(statement)) {
      // `export { a }` / `export * from`: there is nothing to export to in a session.
    } else if (mode === "console" && isLast && ts.isExpressionStatement(statement)) {
      body.push(f.createReturnStatement(statement.expression));
    } else {
      body.push(statement);
    }
  });

  const declared = [...names].map((name) => f.createVariableDeclaration(name));
  const wrapper = f.createExpressionStatement(
    f.createCallExpression(
      f.createParenthesizedExpression(
        f.createArrowFunction(
          [f.createModifier(ts.SyntaxKind.AsyncKeyword)], undefined, [], undefined,
          f.createToken(ts.SyntaxKind.EqualsGreaterThanToken), f.createBlock([...hoisted, ...body], true),
        ),
      ),
      undefined, [],
    ),
  );
  const top: ts.Statement[] = declared.length > 0 ? [f.createVariableStatement(undefined, f.createVariableDeclarationList(declared, ts.NodeFlags.None)), wrapper] : [wrapper];
  return f.updateSourceFile(file, top);
}

function hasDeclareModifier(statement: ts.VariableStatement): boolean {
  return statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) ?? false;
}

type Assign = (name: ts.Identifier | string, value: ts.Expression) => ts.Statement;

function assignDeclaration(
  f: ts.NodeFactory,
  declaration: ts.VariableDeclaration,
  assign: Assign,
  names: Set<string>,
): ts.Statement[] {
  const value = declaration.initializer ?? f.createVoidZero();
  if (ts.isIdentifier(declaration.name)) return [assign(declaration.name, value)];
  // A destructuring pattern: let an arrow function's parameter do the destructuring, defaults
  // and rest included, and hand back the names: `[a, b] = (({ a, b }) => [a, b])(value)`.
  const bound: string[] = [];
  collectNames(declaration.name, bound);
  for (const name of bound) names.add(name);
  const identifiers = bound.map((name) => f.createIdentifier(name));
  const unpack = f.createArrowFunction(
    undefined, undefined, [f.createParameterDeclaration(undefined, undefined, declaration.name)], undefined,
    f.createToken(ts.SyntaxKind.EqualsGreaterThanToken), f.createArrayLiteralExpression(identifiers),
  );
  return [
    f.createExpressionStatement(
      f.createAssignment(
        f.createArrayLiteralExpression(bound.map((name) => f.createIdentifier(name))),
        f.createCallExpression(f.createParenthesizedExpression(unpack), undefined, [value]),
      ),
    ),
  ];
}

function collectNames(name: ts.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) {
    into.push(name.text);
    return;
  }
  for (const element of name.elements) {
    if (ts.isOmittedExpression(element)) continue;
    collectNames(element.name, into);
  }
}

function importToAssignments(
  f: ts.NodeFactory,
  statement: ts.ImportDeclaration,
  dynamicImport: (specifier: ts.Expression) => ts.Expression,
  assign: Assign,
): ts.Statement[] {
  const clause = statement.importClause;
  const specifier = statement.moduleSpecifier;
  if (!clause) return [f.createExpressionStatement(dynamicImport(specifier))];
  if (clause.isTypeOnly) return [];
  const out: ts.Statement[] = [];
  const namespace = f.createUniqueName("module");
  out.push(
    f.createVariableStatement(undefined, f.createVariableDeclarationList(
      [f.createVariableDeclaration(namespace, undefined, undefined, dynamicImport(specifier))], ts.NodeFlags.Const,
    )),
  );
  if (clause.name) out.push(assign(clause.name, f.createPropertyAccessExpression(namespace, "default")));
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) out.push(assign(bindings.name, namespace));
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements) {
      if (element.isTypeOnly) continue;
      const imported = element.propertyName ?? element.name;
      const access = ts.isIdentifier(imported)
        ? f.createPropertyAccessExpression(namespace, imported.text)
        : f.createElementAccessExpression(namespace, f.createStringLiteral(imported.text));
      out.push(assign(element.name, access));
    }
  }
  return out;
}
