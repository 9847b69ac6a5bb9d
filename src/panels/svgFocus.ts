// Makes an SVG element a tab stop. The page runs on Preact (preact.alias.ts),
// which sets an SVG element's attributes by the name as written, and SVG
// attribute names keep their case: `tabIndex` there is an attribute no
// browser reads, so the element would not take focus. Spread this instead:
// `<g {...SVG_TAB_STOP} role="button">`.
export const SVG_TAB_STOP = { tabindex: 0 } as const;
