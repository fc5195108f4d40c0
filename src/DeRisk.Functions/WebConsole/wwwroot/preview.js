// The preview: the watched asset (and Fear & Greed where the rule reads it) as a uPlot chart, a line per message the
// rule would have sent, and the messages as a list under it; hovering the chart or focusing a message shows its text.

import { h, formatTime } from './dom.js';

const KIND_COLOURS = { fire: '#c62828', repeat: '#ef6c00', escalate: '#6a1b9a', resolve: '#2e7d32', overnight: '#1565c0', digest: '#455a64' };
const DAY = 86400;

function dayOf(iso) {
  return Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 1000;
}

function markerPlugin(markers, state) {
  return {
    hooks: {
      draw: [u => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        markers.forEach((marker, index) => {
          const x = Math.round(u.valToPos(marker.day, 'x', true));
          ctx.strokeStyle = KIND_COLOURS[marker.kind] ?? '#c62828';
          ctx.lineWidth = (index === state.selected ? 3 : 1.5) * devicePixelRatio;
          ctx.setLineDash(marker.kind === 'resolve' ? [4 * devicePixelRatio, 3 * devicePixelRatio] : []);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.fillStyle = ctx.strokeStyle;
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.fillText(String(index + 1), x + (3 * devicePixelRatio), top + (12 * devicePixelRatio));
        });
        ctx.restore();
      }],
    },
  };
}

/** Draws `preview` (the API's answer) into `container`, replacing what was there. */
export function renderPreview(container, preview) {
  container.replaceChildren();
  const { summary } = preview;
  container.append(h('p', {
    className: 'summary',
    text: `${preview.from} to ${preview.to} (${preview.source}): ${summary.messages} message${summary.messages === 1 ? '' : 's'}, `
      + `${summary.episodes} episode${summary.episodes === 1 ? '' : 's'}, ${summary.resolved} resolved`
      + (summary.noDataDays ? `, ${summary.noDataDays} day${summary.noDataDays === 1 ? '' : 's'} without data` : '')
      + (summary.capped ? `, ${summary.capped} held back by your daily cap (sent in the next digest)` : '') + '.',
  }));

  const prices = preview.series.filter(s => s.asset !== 'FNG');
  const fng = preview.series.find(s => s.asset === 'FNG');
  const days = [...new Set(preview.series.flatMap(s => s.points.map(p => dayOf(p.date))))].sort((a, b) => a - b);
  const column = (series) => {
    const values = new Map(series.points.map(p => [dayOf(p.date), p.value]));
    return days.map(d => values.get(d) ?? null);
  };

  const markers = preview.markers.map(m => ({ ...m, day: dayOf(m.time) }));
  const state = { selected: -1 };
  const detail = h('p', { className: 'marker-detail', 'aria-live': 'polite', text: markers.length ? 'Hover the chart or pick a message below to read it.' : 'This rule would have sent nothing over this range.' });
  const chartBox = h('div', { className: 'chart', role: 'img', 'aria-label': `Chart of ${preview.series.map(s => s.asset).join(', ')} from ${preview.from} to ${preview.to} with ${markers.length} message markers` });
  container.append(chartBox, detail);

  const colours = ['#1565c0', '#6a1b9a', '#00838f', '#4e342e'];
  const series = [{}];
  const axes = [{}];
  const scales = { x: { time: true } };
  const data = [days];
  prices.forEach((s, index) => {
    const scale = `p${index}`;
    scales[scale] = {};
    series.push({ label: `${s.asset} (USD)`, scale, stroke: colours[index % colours.length], width: 2, spanGaps: true });
    if (index === 0) axes.push({ scale, label: `${s.asset} (USD)`, size: 70 });
    data.push(column(s));
  });
  if (fng) {
    scales.fng = { range: [0, 100] };
    series.push({ label: 'Fear & Greed', scale: 'fng', stroke: '#9e9d24', width: 1.5, spanGaps: true });
    axes.push({ scale: 'fng', side: 1, label: 'Fear & Greed', grid: { show: false }, size: 50 });
    data.push(column(fng));
  }

  const show = (index) => {
    state.selected = index;
    const marker = markers[index];
    detail.textContent = marker ? `#${index + 1} ${formatTime(marker.time)} · ${marker.kind}${marker.critical ? ' · critical' : ''}: ${marker.text}` : '';
    plot?.redraw(false, false);
  };

  let plot = null;
  const uPlot = globalThis.uPlot;
  if (uPlot && days.length > 0) {
    plot = new uPlot({
      width: Math.max(280, chartBox.clientWidth || container.clientWidth || 600),
      height: 280,
      // Days and messages are UTC days, as the API gives them.
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      series,
      axes,
      scales,
      plugins: [markerPlugin(markers, state)],
      hooks: {
        setCursor: [u => {
          const index = u.cursor.idx;
          if (index === null || index === undefined) return;
          const day = days[index];
          const near = markers.findIndex(m => Math.abs(m.day - day) < DAY);
          if (near >= 0 && near !== state.selected) show(near);
        }],
      },
    }, data, chartBox);
  }

  const list = h('ol', { className: 'markers', id: 'preview-markers' });
  markers.forEach((marker, index) => {
    const item = h('li', { tabindex: '0', dataset: { kind: marker.kind, day: marker.time.slice(0, 10) } },
      h('span', { className: `badge ${marker.kind}`, text: marker.kind }),
      h('time', { datetime: marker.time, text: formatTime(marker.time) }),
      marker.deliverAt ? h('span', { className: 'deferred', text: ` (delivered ${formatTime(marker.deliverAt)})` }) : null,
      marker.critical ? h('span', { className: 'badge critical', text: 'critical' }) : null,
      h('span', { className: 'text', text: marker.text }));
    const select = () => {
      show(index);
      if (plot) plot.setCursor({ left: plot.valToPos(marker.day, 'x'), top: 10 });
    };
    item.addEventListener('focus', select);
    item.addEventListener('mouseenter', select);
    list.append(item);
  });
  container.append(list);

  current?.destroy();
  current = plot;
}

// One chart at a time follows the window's width.
let current = null;
window.addEventListener('resize', () => {
  if (current && current.root.isConnected) current.setSize({ width: Math.max(280, current.root.parentElement.clientWidth), height: 280 });
});
