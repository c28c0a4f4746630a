import { removeControlCharacters } from '../../src/util/control-characters';

describe('removeControlCharacters', () => {
  it('removes C0 controls except tab and newline, DEL and the C1 controls', () => {
    expect(removeControlCharacters('a\u0000b\u0007c\u001b[31md\r\ne\tf\u007fg\u0085h\u009fi')).toBe('abc[31md\ne\tfghi');
  });

  it('removes the bidi embedding, override and isolate controls', () => {
    const bidi = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
    expect(removeControlCharacters(`x${bidi}y`)).toBe('xy');
  });

  it('keeps what people type: letters of any script, bidi marks, joiners, emoji, spaces', () => {
    const kept = 'héllo שלום\u200f مرحبا\u061c\u200e 👨‍👩‍👧 \u00a0 e\u0301 \ufeff';
    expect(removeControlCharacters(kept)).toBe(kept);
  });
});
