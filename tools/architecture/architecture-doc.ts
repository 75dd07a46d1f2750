import { renderServiceMap, replaceGeneratedBlock } from './render-map';
import { readServiceMap } from './service-map';

/** The document that holds the service map, relative to the workspace root. */
export const ARCHITECTURE_DOC = 'docs/architecture.md';

/** `document` (the committed docs/architecture.md) with the map regenerated from the code under `root`. */
export function architectureDocument(root: string, document: string): string {
  return replaceGeneratedBlock(document, renderServiceMap(readServiceMap(root)));
}
