/**
 * `react-lifecycles`: `componentWillMount`, `componentWillReceiveProps`, `componentWillUpdate`.
 *
 * The rule for `componentWillMount` (a class method):
 * 1. Initial state only → the constructor. Every statement is `this.setState({…})` or
 *    `this.x = …` whose expressions are pure (no call, `new`, assignment, update, `await`,
 *    `yield`, `delete`, `this.context`). `setState(obj)` becomes `this.state = obj`, or
 *    `this.state = { ...this.state, …obj }` once the class already has state. The statements are
 *    appended to the constructor (created as `constructor(props) { super(props); … }`); when they
 *    read `this.props` an existing constructor must call `super(<its props parameter>)`.
 * 2. Side effects only → `componentDidMount` (React's own advice). Every statement is a call that
 *    is not a method of the component (`this.x()`) and the body has no `setState`, no assignment,
 *    no update and no `this.state` read, so the first render cannot depend on it. The statements
 *    are put first in `componentDidMount` (the method is renamed when there is none).
 * 3. Otherwise → renamed `UNSAFE_componentWillMount` and listed.
 * `componentWillReceiveProps` and `componentWillUpdate` are always renamed `UNSAFE_…` and listed
 * (getDerivedStateFromProps / componentDidUpdate rewrites need judgement); so are the three in a
 * `createReactClass({…})` spec and when the component refers to its own `componentWillMount`.
 */
import type { ASTPath } from "jscodeshift";
import type { Codemod, CodemodOutcome, SourceFinding } from "../codemod.ts";
import type { ClassMember, MethodParam } from "./class-members.ts";
import { buildMethod, classBody, classesOf, classMembers, containsNode, isThisMember } from "./class-members.ts";
import type { ParsedFile } from "./js-file.ts";
import { findingAt, guardSyntax, guardSyntaxScan, isScriptFile, parseFile, printFile } from "./js-file.ts";

type AnyNode = { type: string; [key: string]: unknown };

const DEPRECATED = ["componentWillMount", "componentWillReceiveProps", "componentWillUpdate"];

const ADVICE: Readonly<Record<string, string>> = {
  componentWillMount: "side effects mixed with state: move to the constructor or componentDidMount by hand",
  componentWillReceiveProps: "move to static getDerivedStateFromProps (derived state) or componentDidUpdate (effects)",
  componentWillUpdate: "move to componentDidUpdate, with getSnapshotBeforeUpdate for DOM reads",
};

const IMPURE =
  /^(?:CallExpression|NewExpression|AssignmentExpression|UpdateExpression|AwaitExpression|YieldExpression|TaggedTemplateExpression|ImportExpression)$/;

function isPure(node: unknown): boolean {
  return !containsNode(
    node,
    (n) =>
      IMPURE.test(n.type) || (n.type === "UnaryExpression" && n.operator === "delete") || isThisMember(n, "context"),
  );
}

function expressionOf(statement: AnyNode): AnyNode | null {
  return statement.type === "ExpressionStatement" ? (statement.expression as AnyNode) : null;
}

/** `this.setState({…})` with a pure object: the object; else null. */
function initialStateObject(statement: AnyNode): AnyNode | null {
  const call = expressionOf(statement);
  if (call?.type !== "CallExpression" || !isThisMember(call.callee, "setState")) return null;
  const [object, ...rest] = call.arguments as AnyNode[];
  return object?.type === "ObjectExpression" && rest.length === 0 && isPure(object) ? object : null;
}

function isFieldInitialization(statement: AnyNode): boolean {
  const assignment = expressionOf(statement);
  return (
    assignment?.type === "AssignmentExpression" &&
    assignment.operator === "=" &&
    isThisMember(assignment.left) &&
    isPure(assignment.right)
  );
}

function isSideEffectCall(statement: AnyNode): boolean {
  const call = expressionOf(statement);
  if (call?.type !== "CallExpression" || isThisMember(call.callee)) return false;
  return !containsNode(
    call,
    (n) =>
      /^(?:AssignmentExpression|UpdateExpression)$/.test(n.type) ||
      isThisMember(n, "setState") ||
      isThisMember(n, "state"),
  );
}

function hasState(members: ClassMember[]): boolean {
  const constructor = members.find((m) => m.name === "constructor");
  const assigned = containsNode(
    constructor?.statements ?? [],
    (n) => n.type === "AssignmentExpression" && isThisMember(n.left, "state"),
  );
  return assigned || members.some((m) => m.name === "state" && m.statements === null);
}

function superPassesProps(constructor: ClassMember): boolean {
  const param = constructor.params[0];
  return (constructor.statements ?? []).some((statement) => {
    const call = expressionOf(statement);
    const argument = (call?.arguments as AnyNode[] | undefined)?.[0];
    return (
      call?.type === "CallExpression" && (call.callee as AnyNode).type === "Super" && argument?.name === param?.name
    );
  });
}

/** The will-mount statements as constructor statements (`setState` → `this.state =`). */
function constructorStatements(p: ParsedFile, statements: AnyNode[], stateExists: boolean): unknown[] {
  const { j } = p;
  let state = stateExists;
  return statements.map((statement) => {
    const object = initialStateObject(statement);
    if (object === null) return statement;
    const thisState = j.memberExpression(j.thisExpression(), j.identifier("state"));
    const value = state
      ? j.objectExpression([
          j.spreadElement(j.memberExpression(j.thisExpression(), j.identifier("state"))),
          ...(object.properties as never[]),
        ])
      : (object as never);
    state = true;
    return j.expressionStatement(j.assignmentExpression("=", thisState, value));
  });
}

/**
 * The parameter of a new constructor: `props`, typed in TypeScript with the component's props
 * type (`extends Component<Props>`); null in TypeScript when the class names none.
 */
function constructorProps(p: ParsedFile, classPath: ASTPath): MethodParam | null {
  if (!/\.[cm]?tsx?$/.test(p.file)) return { name: "props" };
  const typeParameters = (classPath.node as unknown as AnyNode).superTypeParameters as AnyNode | null | undefined;
  const type = (typeParameters?.params as unknown[] | undefined)?.[0];
  return type === undefined ? null : { name: "props", type };
}

function moveToConstructor(p: ParsedFile, classPath: ASTPath, members: ClassMember[], willMount: ClassMember): boolean {
  const statements = willMount.statements ?? [];
  const constructor = members.find((m) => m.name === "constructor");
  const readsProps = containsNode(statements, (n) => isThisMember(n, "props"));
  if (constructor && readsProps && !superPassesProps(constructor)) return false;
  if (constructor?.statements?.some((s) => s.type === "ReturnStatement")) return false;
  const moved = constructorStatements(p, statements, hasState(members));
  const body = classBody(classPath);
  if (constructor?.statements) {
    constructor.statements.push(...(moved as AnyNode[]));
    body.splice(body.indexOf(willMount.node), 1);
    return true;
  }
  const props = constructorProps(p, classPath);
  if (props === null) return false;
  const { j } = p;
  const superCall = j.expressionStatement(j.callExpression(j.super(), [j.identifier("props")]));
  body.splice(
    body.indexOf(willMount.node),
    1,
    buildMethod(p, willMount.node as never, "constructor", [props], [superCall, ...moved]),
  );
  return true;
}

function moveToDidMount(classPath: ASTPath, members: ClassMember[], willMount: ClassMember): boolean {
  const didMount = members.find((m) => m.name === "componentDidMount");
  if (didMount === undefined) {
    (willMount.node.key as AnyNode).name = "componentDidMount";
    return true;
  }
  if (didMount.statements === null) return false;
  didMount.statements.unshift(...(willMount.statements ?? []));
  const body = classBody(classPath);
  body.splice(body.indexOf(willMount.node), 1);
  return true;
}

/** Applies rules 1 and 2 to a class's `componentWillMount`; false when neither is safe. */
function moveWillMount(p: ParsedFile, classPath: ASTPath, members: ClassMember[], willMount: ClassMember): boolean {
  const statements = willMount.statements;
  if (!statements?.length || !/^(?:MethodDefinition|ClassMethod)$/.test(willMount.node.type)) return false;
  if (
    containsNode(
      classPath.node,
      (n) => n !== willMount.node.key && (n.property as AnyNode | undefined)?.name === "componentWillMount",
    )
  )
    return false;
  if (statements.every((s) => initialStateObject(s) !== null || isFieldInitialization(s))) {
    return moveToConstructor(p, classPath, members, willMount);
  }
  if (statements.every(isSideEffectCall)) return moveToDidMount(classPath, members, willMount);
  return false;
}

function renameUnsafe(p: ParsedFile, key: AnyNode, leftovers: SourceFinding[]): void {
  const name = String(key.name);
  leftovers.push(findingAt(p, key as never, name, `renamed UNSAFE_${name}; ${ADVICE[name]}`));
  key.name = `UNSAFE_${name}`;
}

/** The deprecated keys of `createReactClass({…})` / `React.createClass({…})` specs. */
function createClassKeys(p: ParsedFile): AnyNode[] {
  const keys: AnyNode[] = [];
  p.root.find(p.j.CallExpression).forEach((path) => {
    const callee = path.node.callee as unknown as AnyNode;
    const name = callee.type === "Identifier" ? callee.name : (callee.property as AnyNode | undefined)?.name;
    const spec = path.node.arguments[0] as unknown as AnyNode | undefined;
    if (!/^(?:createReactClass|createClass)$/.test(String(name)) || spec?.type !== "ObjectExpression") return;
    for (const property of spec.properties as AnyNode[]) {
      const key = property.key as AnyNode | undefined;
      if (key?.type === "Identifier" && DEPRECATED.includes(String(key.name))) keys.push(key);
    }
  });
  return keys;
}

function migrate(source: string, file: string): CodemodOutcome {
  const p = parseFile(source, file);
  const leftovers: SourceFinding[] = [];
  let changes = 0;
  for (const classPath of classesOf(p)) {
    const members = classMembers(classPath);
    for (const member of members.filter((m) => DEPRECATED.includes(m.name))) {
      changes += 1;
      if (member.name === "componentWillMount" && moveWillMount(p, classPath, members, member)) continue;
      renameUnsafe(p, member.node.key as AnyNode, leftovers);
    }
  }
  for (const key of createClassKeys(p)) {
    renameUnsafe(p, key, leftovers);
    changes += 1;
  }
  return { source: printFile(p, source, changes), changes, leftovers };
}

/** The `react-lifecycles` codemod. */
export const reactLifecycles: Codemod = {
  id: "react-lifecycles",
  description: "componentWillMount/ReceiveProps/Update → constructor or componentDidMount when safe, else UNSAFE_",
  matches: isScriptFile,
  scan: guardSyntaxScan((source, file) => {
    const p = parseFile(source, file);
    const keys = classesOf(p).flatMap((classPath) =>
      classMembers(classPath)
        .filter((m) => DEPRECATED.includes(m.name))
        .map((m) => m.node.key as AnyNode),
    );
    return [...keys, ...createClassKeys(p)].map((key) =>
      findingAt(p, key as never, String(key.name), "deprecated lifecycle, removed without the UNSAFE_ prefix"),
    );
  }),
  apply: guardSyntax(migrate),
};
