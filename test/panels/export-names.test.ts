import { describe, expect, it } from 'vitest';
import { EXPORT_ITEMS, FALLBACK_SLUG, MEDIA_TYPE, exportFilename, slug, textFile } from '../../src/panels/export/names.ts';

describe('export names', () => {
  it('slugs a scenario name to lower-case letters, digits and single dashes', () => {
    expect(slug('Your first livepatch')).toBe('your-first-livepatch');
    expect(slug('  test_klp_livepatch: a slow sleeper (v4.12)!  ')).toBe('test-klp-livepatch-a-slow-sleeper-v4-12');
    expect(slug('Ça déborde — façade')).toBe('ca-deborde-facade');
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
  });

  it('falls back to klpscope when nothing of the name is left', () => {
    expect(slug('')).toBe(FALLBACK_SLUG);
    expect(slug(null)).toBe(FALLBACK_SLUG);
    expect(slug(undefined)).toBe(FALLBACK_SLUG);
    expect(slug('⚙️ —— ✓')).toBe(FALLBACK_SLUG);
  });

  it('keeps a long name to 60 characters, cut between words where it can be', () => {
    const long = slug('a scenario with a very long name that goes on and on about kernel livepatching');
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toBe('a-scenario-with-a-very-long-name-that-goes-on-and-on-about');
    const oneWord = slug('x'.repeat(100));
    expect(oneWord).toBe('x'.repeat(60));
  });

  it('names each export after the scenario with its own suffix', () => {
    expect(EXPORT_ITEMS.map((x) => exportFilename('Your first livepatch', x.item))).toEqual([
      'your-first-livepatch-timeline.svg',
      'your-first-livepatch-timeline.png',
      'your-first-livepatch-trace.jsonl',
      'your-first-livepatch-log.txt',
    ]);
    expect(exportFilename(null, 'log')).toBe('klpscope-log.txt');
    expect(EXPORT_ITEMS.map((x) => x.label)).toEqual(['Timeline as SVG', 'Timeline as PNG', 'Trace as JSON lines', 'Log as text']);
    expect(MEDIA_TYPE.svg).toMatch(/^image\/svg\+xml/);
    expect(MEDIA_TYPE.png).toBe('image/png');
    expect(MEDIA_TYPE.log).toMatch(/^text\/plain/);
  });

  it('ends a non-empty text file with one newline', () => {
    expect(textFile('')).toBe('');
    expect(textFile('a\nb')).toBe('a\nb\n');
    expect(textFile('a\n')).toBe('a\n');
  });
});
