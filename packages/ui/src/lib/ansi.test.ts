import { describe, expect, it } from 'vitest';
import { ansiEndStyle, ansiStyleKey, ansiStyleToCss, applySgr, displayText, needsAnsiParsing, paletteToRgb, parseAnsiLine, PLAIN_STYLE, stripAnsi } from './ansi.ts';

const ESC = '\x1b';

describe('parseAnsiLine', () => {
  it('returns plain text as one unstyled segment', () => {
    const { segments, endStyle } = parseAnsiLine('Initializing the backend...');
    expect(segments).toEqual([{ text: 'Initializing the backend...', style: PLAIN_STYLE }]);
    expect(endStyle).toBe(PLAIN_STYLE);
  });

  it('splits coloured runs the way tofu prints a plan line', () => {
    const { segments } = parseAnsiLine(`  ${ESC}[32m+${ESC}[0m resource "terraform_data" "x" {`);
    expect(segments.map((s) => s.text)).toEqual(['  ', '+', ' resource "terraform_data" "x" {']);
    expect(segments[1]!.style.fg).toEqual({ kind: 'palette', index: 2 });
    expect(segments[2]!.style).toEqual(PLAIN_STYLE);
  });

  it('combines bold and colour in one sequence and resets bold with 22', () => {
    const { segments } = parseAnsiLine(`${ESC}[1;31mError:${ESC}[22m detail`);
    expect(segments[0]).toMatchObject({ text: 'Error:', style: { bold: true, fg: { kind: 'palette', index: 1 } } });
    expect(segments[1]).toMatchObject({ text: ' detail', style: { bold: false, fg: { kind: 'palette', index: 1 } } });
  });

  it('carries style across lines and reports the end style', () => {
    const first = parseAnsiLine(`${ESC}[33mwarning starts`);
    expect(first.endStyle.fg).toEqual({ kind: 'palette', index: 3 });
    const second = parseAnsiLine(`still yellow${ESC}[0m`, first.endStyle);
    expect(second.segments).toEqual([{ text: 'still yellow', style: first.endStyle }]);
    expect(second.endStyle).toEqual(PLAIN_STYLE);
  });

  it('reads 256-colour and truecolour foreground and background', () => {
    const { segments } = parseAnsiLine(`${ESC}[38;5;208;48;2;10;20;30mx`);
    expect(segments[0]!.style.fg).toEqual({ kind: 'palette', index: 208 });
    expect(segments[0]!.style.bg).toEqual({ kind: 'rgb', r: 10, g: 20, b: 30 });
  });

  it('maps bright colours 90–97 and 100–107 to palette 8–15', () => {
    const { segments } = parseAnsiLine(`${ESC}[94;101mx`);
    expect(segments[0]!.style.fg).toEqual({ kind: 'palette', index: 12 });
    expect(segments[0]!.style.bg).toEqual({ kind: 'palette', index: 9 });
  });

  it('drops non-SGR sequences: erase line, cursor moves, OSC hyperlinks, charset selection', () => {
    const line = `${ESC}[2K${ESC}[1Ga${ESC}]8;;https://x.test${ESC}\\b${ESC}]8;;${ESC}\\${ESC}(Bc${ESC}]0;title\x07d`;
    expect(parseAnsiLine(line).segments).toEqual([{ text: 'abcd', style: PLAIN_STYLE }]);
  });

  it('treats an empty SGR as reset and ignores a truncated extended colour', () => {
    const { segments } = parseAnsiLine(`${ESC}[31mred${ESC}[mplain${ESC}[38;5m?`);
    expect(segments.map((s) => [s.text, s.style.fg])).toEqual([
      ['red', { kind: 'palette', index: 1 }],
      ['plain?', null],
    ]);
  });

  it('keeps only what follows the last carriage return (progress output overwrote the line)', () => {
    expect(parseAnsiLine('10%\r50%\r100% done').segments[0]!.text).toBe('100% done');
    expect(parseAnsiLine('windows line\r').segments[0]!.text).toBe('windows line');
  });

  it('drops a lone ESC at the end of a chunk', () => {
    expect(parseAnsiLine(`abc${ESC}`).segments).toEqual([{ text: 'abc', style: PLAIN_STYLE }]);
  });
});

describe('applySgr', () => {
  it('turns attributes on and off', () => {
    let s = applySgr(PLAIN_STYLE, '1;2;3;4;7;9');
    expect(s).toMatchObject({ bold: true, dim: true, italic: true, underline: true, inverse: true, strikethrough: true });
    s = applySgr(s, '22;23;24;27;29');
    expect(s).toEqual(PLAIN_STYLE);
  });

  it('resets colours with 39 and 49 without touching attributes', () => {
    const s = applySgr(applySgr(PLAIN_STYLE, '1;31;42'), '39;49');
    expect(s).toEqual({ ...PLAIN_STYLE, bold: true });
  });

  it('does not mutate the input style', () => {
    const before = { ...PLAIN_STYLE };
    applySgr(PLAIN_STYLE, '1;31');
    expect(PLAIN_STYLE).toEqual(before);
  });
});

describe('stripAnsi', () => {
  it('removes all escape sequences', () => {
    expect(stripAnsi(`${ESC}[1m${ESC}[32mApply complete!${ESC}[0m Resources: 1 added`)).toBe('Apply complete! Resources: 1 added');
  });
});

describe('colours to CSS', () => {
  it('uses theme variables for the 16 base colours and brightens bold base colours', () => {
    expect(ansiStyleToCss(applySgr(PLAIN_STYLE, '31'))).toEqual({ color: 'var(--ansi-1)' });
    expect(ansiStyleToCss(applySgr(PLAIN_STYLE, '1;31'))).toEqual({ color: 'var(--ansi-9)', fontWeight: 600 });
  });

  it('computes the xterm cube and grey ramp', () => {
    expect(paletteToRgb(16)).toEqual({ r: 0, g: 0, b: 0 });
    expect(paletteToRgb(196)).toEqual({ r: 255, g: 0, b: 0 });
    expect(paletteToRgb(232)).toEqual({ r: 8, g: 8, b: 8 });
    expect(paletteToRgb(255)).toEqual({ r: 238, g: 238, b: 238 });
    expect(paletteToRgb(7)).toBeNull();
  });

  it('swaps colours for inverse, falling back to the log colours', () => {
    expect(ansiStyleToCss(applySgr(PLAIN_STYLE, '7'))).toEqual({ color: 'var(--log-bg)', backgroundColor: 'var(--log-fg)' });
  });

  it('combines underline and strikethrough decorations', () => {
    expect(ansiStyleToCss(applySgr(PLAIN_STYLE, '4;9')).textDecoration).toBe('underline line-through');
  });
});

describe('line helpers for large logs', () => {
  it('computes the end style like parseAnsiLine does, without segments', () => {
    const lines = [`${ESC}[1;31mx`, `a${ESC}[0mb`, `${ESC}[38;2;1;2;3mrgb\rover${ESC}[4m`, 'plain'];
    let style = PLAIN_STYLE;
    for (const line of lines) {
      const expected = parseAnsiLine(line, style).endStyle;
      expect(ansiEndStyle(line, style)).toEqual(expected);
      style = expected;
    }
  });

  it('gives the displayed text and says when a line needs parsing', () => {
    expect(displayText(`${ESC}[32m+${ESC}[0m add`)).toBe('+ add');
    expect(displayText('a\rb\r')).toBe('b');
    expect(needsAnsiParsing('plain text')).toBe(false);
    expect(needsAnsiParsing('x\r')).toBe(true);
  });

  it('keys equal styles equally and plain style as empty', () => {
    expect(ansiStyleKey(PLAIN_STYLE)).toBe('');
    expect(ansiStyleKey(applySgr(PLAIN_STYLE, '31'))).toBe(ansiStyleKey(applySgr(PLAIN_STYLE, '1;22;31')));
    expect(ansiStyleKey(applySgr(PLAIN_STYLE, '31'))).not.toBe(ansiStyleKey(applySgr(PLAIN_STYLE, '32')));
  });
});
