// Numbers as the page and the log write them: digits grouped in threes with
// commas, as `toLocaleString('en')` does, without Intl. The first use of Intl
// in a page (or worker) sets up its locale data: some 40 ms of a cold page's
// start, which the first frame would wait for (measured on the default demo,
// bench:ui). Every number the app shows goes through here; ESLint refuses
// toLocaleString elsewhere.

/** An integer, or a decimal of at most three places, as its shortest form writes it: what Intl would round nothing of. */
const PLAIN = /^-?\d+(\.\d{1,3})?$/;

/**
 * `n` as `n.toLocaleString('en')` writes it: "1,234", "-0", "0.5". Integers
 * and decimals of up to three places (nearly all the app shows) are grouped
 * here; anything else (more places, exponents, NaN, infinities) goes to Intl.
 */
export function enNumber(n: number): string {
  const s = String(n);
  if (!PLAIN.test(s)) return n.toLocaleString('en');
  const dot = s.indexOf('.');
  const int = dot < 0 ? s : s.slice(0, dot);
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${Object.is(n, -0) ? '-' : ''}${grouped}${dot < 0 ? '' : s.slice(dot)}`;
}
