import Handlebars from 'handlebars';
import { BoundedMemo } from './bounded-memo';
import { TEMPLATE_PLACEHOLDERS } from './placeholders';
import { TemplateRenderError } from './template-render-error';

/**
 * Templates are Handlebars *syntax* only: text with `{{name}}` placeholders. Nothing is
 * ever handed to Handlebars' compiler. The source is parsed, every node is checked against
 * the rules below, and the checked nodes are rendered here by a tiny interpreter that
 * always passes values through the output's escape function. So there is no path to
 * unescaped output, helpers, partials or prototype lookups, even for a template that was
 * stored without going through `checkTemplateSyntax`.
 */

/** A checked template: literal text and placeholder names, in order. */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder'; name: string };

const KNOWN = new Set<string>(TEMPLATE_PLACEHOLDERS);
const KNOWN_LIST = TEMPLATE_PLACEHOLDERS.join(', ');

/**
 * Human-readable problems with a template, each prefixed with `field`; empty when the
 * template is fine. Refuses Handlebars parse errors, unknown placeholders, unescaped output
 * (`{{{x}}}`, `{{& x}}`), helpers, partials, blocks, decorators and paths (`{{a.b}}`,
 * `{{../a}}`, `{{@root}}`): only `{{name}}` (and `{{! comments }}`) are allowed.
 */
export function checkTemplateSyntax(source: string, field: string): string[] {
  return analyse(source, field).problems;
}

/** The checked parts of a template; throws `TemplateRenderError` listing every problem. */
export function parseTemplate(source: string, field: string): TemplatePart[] {
  // The same few config texts are rendered for every notification: parse each once.
  return parsedTemplates.get(`${field}\u0000${source}`, () => {
    const { parts, problems } = analyse(source, field);
    if (problems.length > 0) throw new TemplateRenderError(problems);
    return parts;
  });
}

const parsedTemplates = new BoundedMemo<TemplatePart[]>(500);

/**
 * Renders checked parts: literal text through `text`, each value through `value`.
 * Both transforms are chosen by the caller per output (HTML, plain text).
 */
export function renderParts(
  parts: readonly TemplatePart[],
  values: Readonly<Record<string, string>>,
  transform: { text: (literal: string) => string; value: (value: string) => string },
): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') out += transform.text(part.text);
    else out += transform.value(Object.prototype.hasOwnProperty.call(values, part.name) ? (values[part.name] ?? '') : '');
  }
  return out;
}

function analyse(source: string, field: string): { parts: TemplatePart[]; problems: string[] } {
  if (typeof source !== 'string') return { parts: [], problems: [`${field}: the template must be text`] };
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    return { parts: [], problems: [`${field}: ${describeParseError(error)}`] };
  }
  const parts: TemplatePart[] = [];
  const problems: string[] = [];
  for (const node of program.body) {
    const where = `${field}: ${position(node)}`;
    switch (node.type) {
      case 'ContentStatement':
        parts.push({ kind: 'text', text: (node as hbs.AST.ContentStatement).value });
        break;
      case 'CommentStatement':
        break;
      case 'MustacheStatement': {
        const problem = checkMustache(node as hbs.AST.MustacheStatement, source);
        if (problem) problems.push(`${where}${problem}`);
        else parts.push({ kind: 'placeholder', name: ((node as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression).original });
        break;
      }
      case 'BlockStatement':
      case 'DecoratorBlock':
        problems.push(
          `${where}blocks such as ${snippet(node, source)} are not allowed; use only simple placeholders like {{customerName}}`,
        );
        break;
      case 'PartialStatement':
      case 'PartialBlockStatement':
        problems.push(
          `${where}partials such as ${snippet(node, source)} are not allowed; use only simple placeholders like {{customerName}}`,
        );
        break;
      default:
        problems.push(`${where}${snippet(node, source)} is not allowed; use only simple placeholders like {{customerName}}`);
    }
  }
  return { parts, problems };
}

function checkMustache(node: hbs.AST.MustacheStatement, source: string): string | null {
  const text = snippet(node, source);
  if (!node.escaped) {
    return `${text} would insert unescaped HTML, which is not allowed; write the placeholder with two braces, like {{customerName}}`;
  }
  if (node.params.length > 0 || (node.hash && node.hash.pairs.length > 0)) {
    return `${text} calls a helper, which is not allowed; use only simple placeholders like {{customerName}}`;
  }
  if (node.path.type !== 'PathExpression') {
    return `${text} is not a placeholder; use only simple placeholders like {{customerName}}`;
  }
  const path = node.path as hbs.AST.PathExpression;
  const simple = !path.data && path.depth === 0 && path.parts.length === 1 && path.original === path.parts[0];
  if (!simple) {
    return `${text} is not a simple placeholder (no paths, "this", "../" or "@" names); known placeholders: ${KNOWN_LIST}`;
  }
  if (!KNOWN.has(path.original)) {
    return `unknown placeholder {{${path.original}}}; known placeholders: ${KNOWN_LIST}`;
  }
  return null;
}

function position(node: hbs.AST.Node): string {
  const start = node.loc?.start;
  return start ? `line ${start.line}, column ${start.column + 1}: ` : '';
}

/** The node's own source text, for messages (shortened when long). */
function snippet(node: hbs.AST.Node, source: string): string {
  const loc = node.loc;
  if (!loc) return `a ${node.type}`;
  const lines = source.split(/\r\n|\r|\n/);
  let text: string;
  if (loc.start.line === loc.end.line) {
    text = (lines[loc.start.line - 1] ?? '').slice(loc.start.column, loc.end.column);
  } else {
    text = (lines[loc.start.line - 1] ?? '').slice(loc.start.column);
  }
  text = text.trim();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text || `a ${node.type}`;
}

/** Handlebars' parser messages carry an ASCII caret drawing; keep the gist on one line. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n');
  const line = /Parse error on line (\d+)/.exec(lines[0] ?? '')?.[1];
  if (line && lines.length >= 3) {
    const excerpt = (lines[1] ?? '').trim();
    return `the template cannot be read near line ${line}: "${excerpt}"; write placeholders as {{name}}, with matching braces`;
  }
  return `the template cannot be read: ${message.replace(/\s+/g, ' ').trim()}`;
}
