import qrcode from 'qrcode-generator';
import type { EventSummary, SeatView } from '../protocol/show';
import type { VenueSeatView } from '../protocol/channels';
import { escapeHtml, markup, printPage, trusted } from './layout';

/** A QR code as an SVG path (one unit per module, with the quiet zone), drawn on the server. */
export function qrSvg(text: string, size = 200, label = '席位二维码'): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const quiet = 4;
  let path = '';
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (qr.isDark(row, col)) path += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  const side = count + 2 * quiet;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges" role="img" aria-label="${escapeHtml(label)}"><rect width="${side}" height="${side}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}

const SEAT_SHEET_CSS = `  body { line-height: normal; }
  .sub { color: #b3261e; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0; }
  .card { border: 1px dashed #777; padding: 16px; text-align: center; break-inside: avoid; }
  .card h2 { margin: 0; font-size: 26px; }
  .name { margin: 4px 0 8px; font-size: 20px; font-weight: 700; }
  .pin { font-size: 22px; margin: 8px 0 4px; }
  .pin b { letter-spacing: 0.2em; }
  .url { font-family: monospace; font-size: 11px; word-break: break-all; color: #444; margin: 4px 0; }
  .how { font-size: 13px; color: #555; margin: 4px 0 0; }
`;

/**
 * The printable sheet of judges' seats: per seat its number and judge, the join QR code and link,
 * and the PIN. For the operator only (it opens the seats); cut along the lines and hand out.
 */
export function renderSeatSheet(event: EventSummary, seats: readonly SeatView[], origin: string): string {
  const cards = seats.map((seat) => {
    const url = `${origin}${seat.joinPath}`;
    return markup`<section class="card" data-testid="seat-card" data-seat="${seat.seat}">
<h2>${seat.seat} 号评委席</h2>
<p class="name">${seat.name}</p>
${trusted(qrSvg(url))}
<p class="pin">PIN：<b>${seat.pin}</b></p>
<p class="url">${url}</p>
<p class="how">用平板扫码打开，输入 PIN 加入；一个席位只能在一台设备上使用。</p>
</section>
`;
  });
  return printPage({
    title: `评委席位卡 · ${event.title}`,
    heading: '评委席位卡',
    sub: `${event.title}${event.rehearsal ? '（演练）' : ''} · 含 PIN，请妥善保管，会后销毁`,
    testId: 'seat-sheet',
    css: SEAT_SHEET_CSS,
    body: markup`<div class="grid">
${cards}</div>`,
  });
}

/**
 * The venue's seat sheet: one card per venue seat, printed once and kept on the judges' table for
 * every event. A tablet joined here scores as that seat of whichever event the operator follows.
 */
export function renderVenueSeatSheet(seats: readonly VenueSeatView[], origin: string): string {
  const cards = seats.map((seat) => {
    const url = `${origin}${seat.joinPath}`;
    return markup`<section class="card" data-testid="venue-seat-card" data-seat="${seat.seat}">
<h2>场地 ${seat.seat} 号评委席</h2>
<p class="name">${seat.name ?? '（本场未设此席位）'}</p>
${trusted(qrSvg(url))}
<p class="pin">PIN：<b>${seat.pin}</b></p>
<p class="url">${url}</p>
<p class="how">用平板扫码打开，输入 PIN 加入一次；之后演练与正式抽查自动切换，无需重新扫码。</p>
</section>
`;
  });
  return printPage({
    title: '场地评委席位卡',
    heading: '场地评委席位卡',
    sub: '每场通用 · 含 PIN，请妥善保管；评委姓名按所跟随的场次显示',
    testId: 'venue-seat-sheet',
    css: SEAT_SHEET_CSS,
    body: markup`<div class="grid">
${cards}</div>`,
  });
}
