/**
 * The React 16 → 18 codemods, in the order a plan runs them.
 *
 * Library choice: jscodeshift (17), whose recast printer reprints only the nodes a transform
 * changes, so a file keeps its formatting; and react-codemod (5.4, the newest on npm) where it
 * has the transform we need. Its npm release has `React-PropTypes-to-prop-types` (used as is,
 * it handles `import` and `require`) and `rename-unsafe-lifecycles` (only renames; ours first
 * moves what is provably safe, so we do not use it). The React 18 transforms
 * (`replace-reactdom-render`, `replace-string-ref`, `replace-act-import`) are not in its npm
 * release, and its `findDOMNode` transform is the 0.13 `getDOMNode()` rewrite. So the root API,
 * refs and test-utils transforms are ours, written on jscodeshift, for both module styles
 * (tree-sitter edits were the other option; recast keeps formatting with far less code).
 *
 * `react-docs` runs the source rewrites over the code blocks of the Markdown docs.
 *
 * Order: dependencies first (the checker installs them), then the source rewrites; refs before
 * the root API, so a `react-dom` import both leave unused is dropped by whichever runs last.
 */
import type { Codemod } from "../codemod.ts";
import { reactDeps } from "./react-deps.ts";
import { reactDocs } from "./react-docs.ts";
import { reactFindDomNode } from "./react-find-dom-node.ts";
import { reactLifecycles } from "./react-lifecycles.ts";
import { reactPropTypes } from "./react-prop-types.ts";
import { reactRootApi } from "./react-root-api.ts";
import { reactTestUtils } from "./react-test-utils.ts";

/** The React 16 → 18 codemods in plan order. */
export const REACT_CODEMODS: readonly Codemod[] = [
  reactDeps,
  reactPropTypes,
  reactLifecycles,
  reactFindDomNode,
  reactRootApi,
  reactTestUtils,
  reactDocs,
];
