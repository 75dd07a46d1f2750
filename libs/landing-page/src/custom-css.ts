/**
 * Staff-written custom CSS for the landing pages, made safe to put inside a `<style>` element.
 *
 * The CSS is parsed with css-tree (a spec-following CSS parser), checked node by node against
 * an allow-list policy, and generated again from the tree; nothing of the input reaches the
 * output without having been parsed. See the README's "Custom CSS" section for the policy.
 */
import { BoundedMemo } from '@appointments/notification-content';
import { generate, ident, parse, walk } from 'css-tree';
import type { Atrule, CssNode, Declaration, FeatureRange, List, Rule, StringNode } from 'css-tree';

/** Custom CSS longer than this (in UTF-16 code units, like the DTO's `@MaxLength`) is dropped as a whole. */
export const MAX_CUSTOM_CSS_LENGTH = 20_000;

/** The sanitised stylesheet and, for the logs, one sentence per thing that was taken out. */
export interface SanitisedCss {
  /** Safe to place between `<style nonce="…">` and `</style>`: never contains `<`. Empty when nothing is left. */
  css: string;
  /** Human-readable reasons, one per removed rule, declaration, at-rule or comment (for logs and for staff). */
  removed: string[];
}

/** At-rules that only group or describe style rules. Everything else (`@import`, `@font-face`, …) is dropped. */
const ALLOWED_AT_RULES: ReadonlySet<string> = new Set([
  'media',
  'supports',
  'container',
  'layer',
  'keyframes',
  '-webkit-keyframes',
  'page',
  'property',
  'scope',
  'starting-style',
]);

/** Why the well-known dangerous at-rules go (any other unknown at-rule gets a generic sentence). */
const AT_RULE_REASONS: Readonly<Record<string, string>> = {
  import: 'the page loads no other stylesheets',
  charset: 'an inline stylesheet has no character set of its own',
  namespace: 'namespaces are not needed in an HTML page',
  'font-face': "the page's Content-Security-Policy loads no fonts",
  document: 'it is not a standard at-rule',
  '-moz-document': 'it is not a standard at-rule',
};

/** Properties that bind script or behaviour to elements in old browsers (compared without vendor prefix). */
const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set(['behavior', 'binding', 'link', 'link-source']);

/** Functions whose string arguments are URLs (`src("…")`, `image-set("a.png" 1x)`). */
const URL_FUNCTIONS: ReadonlySet<string> = new Set(['url', 'src', 'image', 'image-set', 'cross-fade']);

/*
 * Sanitising is deterministic, and every page view of a notification asks about the same few
 * stylesheets: the answers are kept (a `BoundedMemo`, like notification-content's formatter caches).
 */
const sanitised = new BoundedMemo<SanitisedCss>(200);

/**
 * Returns `css` cleaned for a `<style>` element, never throwing:
 *
 * - parsed with css-tree; whatever the parser cannot read (it reports it as raw text) is
 *   dropped with the rule or declaration around it;
 * - at-rules other than `@media`, `@supports`, `@container`, `@layer`, `@keyframes`, `@page`,
 *   `@property`, `@scope`, `@starting-style` are dropped (so `@import`, `@charset`,
 *   `@namespace`, `@font-face`);
 * - a declaration goes when it uses `behavior`/`-moz-binding`, an `expression(…)`, or a URL
 *   that is not `https:` or `data:image/…`;
 * - a rule goes when its selector compares attribute values (`[href^="…"]`), which could read
 *   the page's links and form tokens;
 * - comments, `<!--` and `-->` go; names are compared after decoding CSS escapes
 *   (`\62 ehavior`, `e\xpression`, `@\69mport`);
 * - a `<` left in a string becomes the escape `\3c `, media ranges are written with `>`; any
 *   top-level rule whose output would still contain `<` is dropped;
 * - input over `MAX_CUSTOM_CSS_LENGTH` characters is dropped as a whole.
 */
export function sanitiseCustomCss(css: string | null | undefined): SanitisedCss {
  const input = typeof css === 'string' ? css : '';
  const result = sanitised.get(input, () => sanitise(input));
  return { css: result.css, removed: [...result.removed] };
}

function sanitise(input: string): SanitisedCss {
  if (input.trim() === '') return { css: '', removed: [] };
  if (input.length > MAX_CUSTOM_CSS_LENGTH) {
    return {
      css: '',
      removed: [`all custom CSS removed: ${input.length} characters is more than the limit of ${MAX_CUSTOM_CSS_LENGTH}`],
    };
  }

  const removed: string[] = [];
  // What the parser cannot read becomes a Raw node, which the checks below remove and report.
  const ast = parse(input, { positions: true, parseCustomProperty: true });
  if (ast.type !== 'StyleSheet') return { css: '', removed: ['all custom CSS removed: it is not a stylesheet'] };

  sanitiseStatements(ast.children, removed);
  escapeForHtml(ast);

  const pieces: string[] = [];
  ast.children.forEach((node) => {
    const text = generate(node);
    if (text.includes('<')) removed.push(`${describeStatement(node)} removed: its output would contain "<"`);
    else pieces.push(text);
  });
  return { css: pieces.join('\n'), removed };
}

/** Checks the statements of a stylesheet or block (rules, at-rules, declarations), removing the bad ones. */
function sanitiseStatements(list: List<CssNode>, removed: string[]): void {
  list.forEach((node, item) => {
    const problem = statementProblem(node);
    if (problem) {
      removed.push(problem);
      list.remove(item);
      return;
    }
    if ((node.type === 'Rule' || node.type === 'Atrule') && node.block && !node.block.children.isEmpty) {
      sanitiseStatements(node.block.children, removed);
      // A rule left empty by the removals says nothing any more.
      if (node.type === 'Rule' && node.block.children.isEmpty) list.remove(item);
    }
  });
}

/** Why a statement must go, or null when it may stay (its block is checked separately). */
function statementProblem(node: CssNode): string | null {
  switch (node.type) {
    case 'Rule':
      return ruleProblem(node);
    case 'Atrule':
      return atRuleProblem(node);
    case 'Declaration':
      return declarationProblem(node);
    case 'Comment':
      return `comment ${snippet(node.value)} removed`;
    case 'CDO':
    case 'CDC':
      return `HTML comment marker "${node.type === 'CDO' ? '<!--' : '-->'}" removed`;
    case 'Raw':
      return `unreadable CSS ${snippet(node.value)}${at(node)} removed`;
    default:
      return `unexpected ${node.type}${at(node)} removed`;
  }
}

function ruleProblem(rule: Rule): string | null {
  const selector = rule.prelude.type === 'Raw' ? rule.prelude.value : generate(rule.prelude);
  if (rule.prelude.type === 'Raw') return `rule ${snippet(selector)}${at(rule)} removed: its selector cannot be read`;
  let problem: string | null = null;
  walk(rule.prelude, (node) => {
    if (problem) return;
    if (node.type === 'AttributeSelector' && node.matcher !== null) {
      problem = 'it compares attribute values, which could read the links and tokens of the page';
    } else {
      problem = valueNodeProblem(node, null);
    }
  });
  return problem ? `rule ${snippet(selector)}${at(rule)} removed: ${problem}` : null;
}

function atRuleProblem(atRule: Atrule): string | null {
  const name = ident.decode(atRule.name).toLowerCase();
  if (!ALLOWED_AT_RULES.has(name)) {
    return `@${name}${at(atRule)} removed: ${AT_RULE_REASONS[name] ?? 'only @media, @supports, @container, @layer, @keyframes, @page, @property, @scope and @starting-style are allowed'}`;
  }
  const problem = atRule.prelude ? subtreeProblem(atRule.prelude) : null;
  return problem ? `@${name}${at(atRule)} removed: ${problem}` : null;
}

function declarationProblem(declaration: Declaration): string | null {
  const property = ident.decode(declaration.property).toLowerCase();
  const name = `declaration "${property}"${at(declaration)}`;
  if (FORBIDDEN_PROPERTIES.has(withoutVendorPrefix(property))) return `${name} removed: it can attach behaviour or script to elements`;
  if (declaration.value.type === 'Raw') return `${name} removed: its value ${snippet(declaration.value.value)} cannot be read`;
  const problem = subtreeProblem(declaration.value);
  return problem ? `${name} removed: ${problem}` : null;
}

/** The first problem anywhere below `root` (a value or a prelude), or null. Normalises allowed URLs in place. */
function subtreeProblem(root: CssNode): string | null {
  let problem: string | null = null;
  walk(root, function (node) {
    if (problem) return;
    const fn = this.function && this.function.type === 'Function' ? ident.decode(this.function.name).toLowerCase() : null;
    problem = valueNodeProblem(node, fn);
  });
  return problem;
}

/** Checks one node of a value, selector or prelude; `enclosingFunction` is the nearest function's decoded name. */
function valueNodeProblem(node: CssNode, enclosingFunction: string | null): string | null {
  switch (node.type) {
    case 'Raw':
      return `${snippet(node.value)} cannot be read`;
    case 'Comment':
      return 'it contains a comment';
    case 'Function': {
      const name = ident.decode(node.name).toLowerCase();
      if (name.includes('expression')) return `${name}() can run script in old browsers`;
      return null;
    }
    case 'Url': {
      const url = allowedUrl(node.value);
      if (url === null) return `url ${snippet(node.value)} is not allowed (only https: and data:image/ URLs are)`;
      node.value = url;
      return null;
    }
    case 'String': {
      if (enclosingFunction === null || !URL_FUNCTIONS.has(withoutVendorPrefix(enclosingFunction))) return null;
      const url = allowedUrl(node.value);
      if (url === null) return `url ${snippet(node.value)} in ${enclosingFunction}() is not allowed (only https: and data:image/ URLs are)`;
      node.value = url;
      return null;
    }
    default:
      return null;
  }
}

/**
 * The URL, normalised by the WHATWG parser (which also drops the tabs and newlines hidden in
 * `java\9script:`), when it is `https:` or a `data:image/…` URL; null for anything else
 * (`javascript:`, `vbscript:`, `data:text/html`, `http:`, relative and protocol-relative URLs).
 * `<` and `>` in a data URL are percent-encoded.
 */
function allowedUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'data:' && /^image\/[a-z0-9.+-]+[;,]/i.test(url.pathname)) {
    return url.href.replace(/</g, '%3C').replace(/>/g, '%3E');
  }
  return null;
}

/**
 * After the checks: strings are written with `<` as the escape `\3c ` (same string for CSS),
 * and media ranges `(width < 600px)` as `(600px > width)`.
 */
function escapeForHtml(root: CssNode): void {
  walk(root, (node) => {
    if (node.type === 'String' && /[<>]/.test(node.value)) {
      // css-tree writes a String node's value as it is; a Raw node is written verbatim.
      const raw = node as unknown as { type: string; value: string };
      raw.type = 'Raw';
      raw.value = encodeString((node as StringNode).value);
    } else if (node.type === 'FeatureRange') {
      flipRange(node);
    }
  });
}

function encodeString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '<' || char === '>' || code < 0x20 || code === 0x7f) out += `\\${code.toString(16)} `;
    else out += char;
  }
  return `${out}"`;
}

const FLIPPED: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

function flipRange(range: FeatureRange): void {
  const usesLess = [range.leftComparison, range.rightComparison].some((comparison) => comparison === '<' || comparison === '<=');
  if (!usesLess) return;
  if (range.right === null || range.rightComparison === null) {
    [range.left, range.middle] = [range.middle, range.left];
    range.leftComparison = FLIPPED[range.leftComparison] ?? range.leftComparison;
  } else {
    const { left, right, leftComparison, rightComparison } = range;
    range.left = right;
    range.right = left;
    range.leftComparison = FLIPPED[rightComparison] ?? rightComparison;
    range.rightComparison = FLIPPED[leftComparison] ?? leftComparison;
  }
}

function withoutVendorPrefix(name: string): string {
  return name.replace(/^-[a-z]+-/, '');
}

function describeStatement(node: CssNode): string {
  if (node.type === 'Atrule') return `@${ident.decode(node.name).toLowerCase()}${at(node)}`;
  if (node.type === 'Rule') return `rule${at(node)}`;
  return `${node.type}${at(node)}`;
}

function at(node: CssNode): string {
  return node.loc ? ` at line ${node.loc.start.line}, column ${node.loc.start.column}` : '';
}

/** A short, quoted, one-line excerpt for a log line. */
function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line);
}
