import { ScrollArea, Table, type ScrollAreaProps } from '@mantine/core';
import { useMergedRef } from '@mantine/hooks';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type HTMLAttributes, type ReactNode, type RefObject } from 'react';

/**
 * What makes a scrolling box usable from the keyboard (WCAG 2.1.1; axe-core's
 * `scrollable-region-focusable`): while its content overflows, it is a named region in the tab
 * order, so arrow keys scroll it; while it does not (a wide screen), it is a plain box and adds
 * no tab stop. Overflow is measured again whenever the box or its content changes size.
 */
export function useScrollRegion<T extends HTMLElement>(
  label: string,
): { ref: RefObject<T>; props: HTMLAttributes<HTMLElement> & { 'data-scrolls'?: boolean } } {
  const ref = useRef<T>(null);
  const [scrolls, setScrolls] = useState(false);
  const measure = useCallback(() => {
    const element = ref.current;
    if (element) setScrolls(element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1);
  }, []);
  // After every render, before the browser paints or runs anything else: content that React has
  // just put in (rows, messages) is never seen overflowing a box that is not yet focusable.
  useLayoutEffect(measure);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Size changes React does not render: the window, fonts, a child that renders by itself.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    const observeContent = () => Array.from(element.children).forEach((child) => observer.observe(child));
    observeContent();
    // Content that appears later (rows loaded, messages received) is observed too.
    const mutations = new MutationObserver(() => {
      observeContent();
      measure();
    });
    mutations.observe(element, { childList: true });
    return () => {
      observer.disconnect();
      mutations.disconnect();
    };
  }, [measure]);
  const props = scrolls
    ? {
        tabIndex: 0,
        role: 'region',
        'aria-label': label,
        style: { outlineOffset: -2 },
        'data-scrolls': true,
      }
    : {};
  return { ref, props };
}

/** Mantine's focus ring on the viewport (drawn inside it: the scroll area clips what is outside). */
const FOCUS_RING = { viewport: 'mantine-focus-auto' };

/**
 * A table that scrolls sideways inside its container on narrow screens (the page itself never
 * does), reachable by keyboard while it scrolls. `label` names the region (e.g. "Customers").
 */
export function ScrollTable({ label, minWidth, children }: { label: string; minWidth: number; children: ReactNode }) {
  const region = useScrollRegion<HTMLDivElement>(label);
  return (
    <Table.ScrollContainer
      minWidth={minWidth}
      scrollAreaProps={{ viewportRef: region.ref, viewportProps: region.props, classNames: FOCUS_RING }}
    >
      {children}
    </Table.ScrollContainer>
  );
}

/** Mantine's `ScrollArea` (either direction), reachable by keyboard while it scrolls. */
export function ScrollRegion({ label, children, viewportRef, ...others }: ScrollAreaProps & { label: string; children: ReactNode }) {
  const region = useScrollRegion<HTMLDivElement>(label);
  const ref = useMergedRef(region.ref, viewportRef);
  return (
    <ScrollArea {...others} viewportRef={ref} viewportProps={region.props} classNames={FOCUS_RING}>
      {children}
    </ScrollArea>
  );
}
