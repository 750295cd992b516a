/** What a terminal shows after some output: enough of VT100 for progress bars (carriage return, line clears, cursor column, save/restore). */
export function screen(output: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  let saved: [number, number] = [0, 0];
  const put = (ch: string) => {
    const line = lines[row].padEnd(col, ' ');
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i];
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      if (row === lines.length) lines.push('');
    } else if (ch === '\x1b') {
      const csi = /^\[(\??)(\d*)([A-Za-z])/.exec(output.slice(i + 1));
      if (output[i + 1] === '7') (saved = [row, col]), i++;
      else if (output[i + 1] === '8') ([row, col] = saved), i++;
      else if (csi) {
        const n = Number(csi[2] || (csi[3] === 'K' ? 0 : 1));
        if (csi[1] === '?') {
          // cursor visibility, line wrapping: nothing to show
        } else if (csi[3] === 'G') col = n - 1;
        else if (csi[3] === 'K') lines[row] = n === 2 ? '' : lines[row].slice(0, col);
        else if (csi[3] === 'A') row = Math.max(0, row - n);
        else if (csi[3] === 'J') lines.splice(row + 1), (lines[row] = lines[row].slice(0, col));
        i += csi[0].length;
      }
    } else if (ch >= ' ') put(ch);
  }
  return lines.map((l) => l.trimEnd()).filter((l) => l.length > 0);
}
