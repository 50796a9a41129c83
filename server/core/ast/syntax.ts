/**
 * The part of a tree-sitter syntax tree that extraction reads. web-tree-sitter's `Node` and
 * `TreeCursor` satisfy these structurally, so the pure core never imports the parser.
 */
export interface Point {
  row: number;
  column: number;
}

export interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly isNamed: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly childCount: number;
  readonly namedChildCount: number;
  readonly parent: SyntaxNode | null;
  readonly namedChildren: SyntaxNode[];
  readonly children: SyntaxNode[];
  child(index: number): SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(name: string): SyntaxNode | null;
  childrenForFieldName(name: string): SyntaxNode[];
  walk(): SyntaxCursor;
}

export interface SyntaxCursor {
  readonly nodeType: string;
  readonly nodeText: string;
  readonly nodeIsNamed: boolean;
  readonly nodeIsMissing: boolean;
  readonly currentFieldName: string | null;
  readonly currentNode: SyntaxNode;
  readonly startPosition: Point;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

/** 1-based line of a node's first row. */
export function line1(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

/** 1-based line of a node's last row. */
export function line2(node: SyntaxNode): number {
  return node.endPosition.row + 1;
}

export function field(node: SyntaxNode, name: string): SyntaxNode | null {
  return node.childForFieldName(name);
}

/** The first named child of one of the given types. */
export function childOfType(node: SyntaxNode, ...types: string[]): SyntaxNode | null {
  for (const child of node.namedChildren) if (types.includes(child.type)) return child;
  return null;
}

export function childrenOfType(node: SyntaxNode, ...types: string[]): SyntaxNode[] {
  return node.namedChildren.filter((child) => types.includes(child.type));
}

/** Node objects are made afresh on each access, so identity is by position and type. */
export function sameNode(a: SyntaxNode | null, b: SyntaxNode | null): boolean {
  return a !== null && b !== null && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}
