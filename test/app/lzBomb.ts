// A decompression bomb in lz-string's URI alphabet, shared by the link tests.

/**
 * Compressed data a hostile link could carry: one literal 'a', then n codes
 * each naming the entry about to be made (w + w[0]), so that the k-th expands
 * to k + 1 characters: n²/2 characters from about 2n bytes. Written bit by bit
 * as lz-string's compressor writes them.
 */
export function lzBomb(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
  let out = '';
  let val = 0;
  let filled = 0;
  const write = (value: number, bits: number): void => {
    for (let i = 0; i < bits; i++) {
      val = (val << 1) | ((value >> i) & 1);
      if (++filled === 6) {
        out += alphabet[val];
        val = 0;
        filled = 0;
      }
    }
  };
  write(0, 2);
  write('a'.charCodeAt(0), 8);
  let dictSize = 4;
  let numBits = 3;
  let enlargeIn = 4;
  for (let i = 0; i < n; i++) {
    write(dictSize++, numBits);
    if (--enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
  write(2, numBits);
  if (filled > 0) write(0, 6 - filled);
  return out;
}
