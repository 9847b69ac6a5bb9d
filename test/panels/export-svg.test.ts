// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { SVG_NS, backgroundColour, findRegion, findTimeline, inlineStyles, resolveVars, resolvedValue, standaloneSvg } from '../../src/panels/export/svg.ts';
import type { StyleLike, StyleOf } from '../../src/panels/export/svg.ts';

afterEach(() => {
  document.body.innerHTML = '';
});

const VARS: Record<string, string> = { '--panel': ' #ffffff', '--fg': '#1c2230', '--accent': 'var(--fg)', '--sans': "system-ui, 'DejaVu Sans', sans-serif", '--loop': 'var(--loop)' };
const lookup = (name: string) => VARS[name] ?? '';

/** A computed-style accessor from a table of (class → declarations), with inheritance as SVG has it. */
function stylesFrom(rules: Record<string, Record<string, string>>): StyleOf {
  const inherited = new Set(['fill', 'fill-opacity', 'stroke', 'stroke-opacity', 'stroke-width', 'stroke-dasharray', 'font-family', 'font-size', 'font-weight', 'font-style', 'color']);
  const initial: Record<string, string> = { fill: 'rgb(0, 0, 0)', stroke: 'none', 'stroke-width': '1px', opacity: '1', 'font-size': '16px', color: 'rgb(0, 0, 0)' };
  const of = (el: Element): Record<string, string> => {
    const parent = el.parentElement !== null && el.parentElement.namespaceURI === SVG_NS ? of(el.parentElement) : initial;
    const own: Record<string, string> = {};
    for (const [k, v] of Object.entries(parent)) if (inherited.has(k) || k.startsWith('--')) own[k] = v;
    own.opacity = '1';
    const fillAttr = el.getAttribute('fill');
    if (fillAttr !== null) own.fill = fillAttr;
    for (const c of el.classList) Object.assign(own, rules[c] ?? {});
    return own;
  };
  return (el) => {
    const s = of(el);
    return { getPropertyValue: (p: string) => s[p] ?? '' };
  };
}

function svgDoc(markup: string): SVGSVGElement {
  document.body.innerHTML = markup;
  return document.querySelector('svg')!;
}

describe('resolving CSS variables', () => {
  it('replaces var() by the value, nested variables and fallbacks included', () => {
    expect(resolveVars('#123', lookup)).toBe('#123');
    expect(resolveVars('var(--panel)', lookup)).toBe('#ffffff');
    expect(resolveVars('var(--accent)', lookup)).toBe('#1c2230');
    expect(resolveVars('var(--sans)', lookup)).toBe("system-ui, 'DejaVu Sans', sans-serif");
    expect(resolveVars('var(--nope, var(--fg))', lookup)).toBe('#1c2230');
    expect(resolveVars('var(--nope, rgb(1, 2, 3))', lookup)).toBe('rgb(1, 2, 3)');
    expect(resolveVars('1px solid var(--fg)', lookup)).toBe('1px solid #1c2230');
    expect(resolveVars('var(--fg) var(--panel)', lookup)).toBe('#1c2230 #ffffff');
  });

  it('gives null for a variable with no value and no fallback, a loop, or an unclosed var(', () => {
    expect(resolveVars('var(--nope)', lookup)).toBeNull();
    expect(resolveVars('var(--loop)', lookup)).toBeNull();
    expect(resolveVars('var(--fg', lookup)).toBeNull();
  });

  it('reads a property with its variables resolved against the same style', () => {
    const style: StyleLike = { getPropertyValue: (p) => ({ stroke: 'var(--panel)', '--panel': '#fff', fill: '' })[p] ?? '' };
    expect(resolvedValue(style, 'stroke')).toBe('#fff');
    expect(resolvedValue(style, 'fill')).toBeNull();
  });

  it('takes the background from the panel, else --panel, else white', () => {
    const s = (o: Record<string, string>): StyleLike => ({ getPropertyValue: (p) => o[p] ?? '' });
    expect(backgroundColour(s({ 'background-color': 'rgb(27, 32, 41)' }))).toBe('rgb(27, 32, 41)');
    expect(backgroundColour(s({ 'background-color': 'var(--panel)', '--panel': '#1b2029' }))).toBe('#1b2029');
    expect(backgroundColour(s({ 'background-color': 'rgba(0, 0, 0, 0)', '--panel': '#fafafa' }))).toBe('#fafafa');
    expect(backgroundColour(s({}))).toBe('#ffffff');
    expect(backgroundColour(null)).toBe('#ffffff');
  });
});

describe('inlining styles', () => {
  const rules = {
    root: { '--panel': '#ffffff', '--fg': '#1c2230', '--sans': 'system-ui, sans-serif', 'font-family': 'var(--sans)', 'font-size': '11px' },
    area: { stroke: 'var(--panel)', 'stroke-width': '0.5' },
    pending: { fill: 'none', stroke: 'var(--fg)', 'stroke-width': '2', 'stroke-dasharray': '5 3' },
    future: { fill: 'var(--panel)', opacity: '0.6' },
    broken: { stroke: 'var(--missing)' },
  };

  it('writes resolved values, inherited ones only where they change, opacity only where it is not 1', () => {
    const svg = svgDoc(
      `<svg class="root" style="cursor: pointer"><g class="plot"><path class="area" fill="url(#p)" d="M0,0"/><path class="pending" d="M1,1"/></g><rect class="future"/><line class="broken"/></svg>`,
    );
    const clone = svg.cloneNode(true) as SVGSVGElement;
    inlineStyles(svg, clone, stylesFrom(rules));
    const style = (sel: string) => clone.querySelector(sel)!.getAttribute('style');
    // The root carries everything inherited, page-only inline styles replaced.
    expect(clone.getAttribute('style')).toBe('fill:rgb(0, 0, 0);stroke:none;stroke-width:1px;font-family:system-ui, sans-serif;font-size:11px;color:rgb(0, 0, 0)');
    expect(style('.plot')).toBeNull();
    expect(style('.area')).toBe('fill:url(#p);stroke:#ffffff;stroke-width:0.5');
    expect(style('.pending')).toBe('fill:none;stroke:#1c2230;stroke-width:2;stroke-dasharray:5 3');
    expect(style('.future')).toBe('fill:#ffffff;opacity:0.6');
    // What cannot be resolved is left out rather than written as var().
    expect(style('.broken')).toBeNull();
    // The page's own elements are untouched.
    expect(svg.querySelector('.area')!.getAttribute('style')).toBeNull();
    expect(svg.getAttribute('style')).toBe('cursor: pointer');
  });

  it('makes a standalone document: namespace, size, viewBox, title, background, no roles or tab stops', () => {
    const svg = svgDoc(
      `<svg class="root tl-svg" width="400" height="120" role="group" aria-label="Tasks"><g class="tl-mark" role="button" tabindex="0" aria-label="m1"><title>m1</title><path class="area" d="M0,0"/></g><rect data-testid="scrub" class="future"/></svg>`,
    );
    const out = standaloneSvg(svg, { styleOf: stylesFrom(rules), background: '#ffffff', title: 'Demo up to step 3' });
    expect(out.width).toBe(400);
    expect(out.height).toBe(120);
    expect(out.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    const doc = new DOMParser().parseFromString(out.text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const root = doc.documentElement;
    expect(root.localName).toBe('svg');
    expect(root.namespaceURI).toBe(SVG_NS);
    expect(out.text.match(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g)).toHaveLength(1);
    expect(root.getAttribute('viewBox')).toBe('0 0 400 120');
    expect(root.getAttribute('role')).toBe('img');
    expect(root.firstElementChild!.localName).toBe('title');
    expect(root.firstElementChild!.textContent).toBe('Demo up to step 3');
    const bg = root.children[1]!;
    expect([bg.localName, bg.getAttribute('fill'), bg.getAttribute('width'), bg.getAttribute('height')]).toEqual(['rect', '#ffffff', '400', '120']);
    expect(root.querySelector('[tabindex], [role="button"], [data-testid]')).toBeNull();
    expect(root.querySelector('.tl-mark')!.getAttribute('aria-label')).toBe('m1');
    expect(out.text).not.toContain('var(--');
    // The page's svg is as it was.
    expect(svg.getAttribute('role')).toBe('group');
    expect(svg.querySelector('[tabindex="0"]')).not.toBeNull();
  });

  it('draws the layer over the plot after the plot, each element with its styles, as the page lays them', () => {
    const plot = svgDoc(`<svg class="root tl-svg" width="400" height="120" aria-hidden="true"><g class="plot"><path class="area" d="M0,0"/></g></svg>`);
    const over = svgDoc(`<svg class="root tl-svg-top" width="400" height="120"><rect data-testid="scrub" class="scrub"/><rect class="future"/><g class="tl-mark" role="button" tabindex="0" aria-label="m1"><path class="pending" d="M1,1"/></g></svg>`);
    const out = standaloneSvg(plot, { styleOf: stylesFrom(rules), background: '#ffffff', title: 'Demo', over });
    const doc = new DOMParser().parseFromString(out.text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const root = doc.documentElement;
    expect([...root.children].map((c) => c.getAttribute('class') ?? c.localName)).toEqual(['title', 'export-background', 'plot', 'scrub', 'future', 'tl-mark']);
    expect(root.querySelector('.future')!.getAttribute('style')).toContain('fill:#ffffff;');
    expect(root.querySelector('.future')!.getAttribute('style')).toContain('opacity:0.6');
    expect(root.querySelector('.tl-mark .pending')!.getAttribute('style')).toContain('stroke-dasharray:5 3');
    // An image for assistive technology, though the plot's svg on the page is hidden from it; nothing interactive.
    expect(root.getAttribute('role')).toBe('img');
    expect(root.hasAttribute('aria-hidden')).toBe(false);
    expect(root.querySelector('[tabindex], [role="button"], [data-testid]')).toBeNull();
    // The page's layers are as they were.
    expect(over.children).toHaveLength(3);
    expect(plot.getAttribute('aria-hidden')).toBe('true');
  });
});

describe('finding the timeline', () => {
  it('finds the svg of the region named Timeline, by aria-labelledby or aria-label', () => {
    document.body.innerHTML = `
      <section role="region" aria-labelledby="h1"><h2 id="h1">Kernel log</h2><svg class="tl-svg" id="wrong"></svg></section>
      <section role="region" aria-labelledby="h2"><h2 id="h2">Timeline</h2><div><svg class="tl-svg" id="right"></svg><svg class="tl-svg-top" id="over"></svg></div></section>`;
    expect(findRegion(document, 'Kernel log')?.querySelector('h2')?.textContent).toBe('Kernel log');
    const found = findTimeline(document);
    expect(found?.svg.id).toBe('right');
    expect(found?.over?.id).toBe('over');
    expect(found?.panel.getAttribute('aria-labelledby')).toBe('h2');
    document.body.innerHTML = `<div role="region" aria-label="Timeline"><svg class="tl-svg" id="x"></svg></div>`;
    expect(findTimeline(document)?.svg.id).toBe('x');
    expect(findTimeline(document)?.over).toBeNull();
    document.body.innerHTML = `<svg class="tl-svg"></svg>`;
    expect(findTimeline(document)).toBeNull();
  });
});
