// The rule form: one editor per rule kind, combinations as a list of child editors, read back into the API's own
// rule JSON (the same body POST /api/me/rules and POST /api/preview take).

import { h, field, select } from './dom.js';

export const KINDS = [
  ['priceChange', 'Price move over a window'],
  ['priceLevel', 'Price below or above a level'],
  ['sentiment', 'Fear & Greed index'],
  ['depeg', 'Stablecoin off its peg'],
  ['drawdown', 'Drawdown from the N-day high'],
  ['portfolioDrawdown', 'Portfolio drawdown'],
  ['allOf', 'All of several conditions'],
  ['anyOf', 'Any of several conditions'],
];

const SIMPLE_KINDS = KINDS.filter(([kind]) => kind !== 'allOf' && kind !== 'anyOf');

// What rules can watch, from GET /api/assets (useAssets): [{ symbol, kind, stablecoin, ... }].
let watchable = [];

/** Sets the asset choices from the answer of GET /api/assets. */
export function useAssets(list) {
  watchable = Array.isArray(list) ? list.filter(a => a && a.kind === 'price' && typeof a.symbol === 'string') : [];
}

function assetInput(value, stable) {
  const list = watchable.filter(a => !stable || a.stablecoin).map(a => a.symbol);
  // A rule's own asset stays a choice even when the list does not have it (no longer tracked, or the list failed).
  if (value && !list.includes(value)) list.unshift(value);
  if (list.length === 0) list.push(stable ? 'USDC' : 'BTC');
  return select(list.map(a => [a, a]), value ?? list[0], {});
}

// The fields the form shows for each simple kind, with the values its selects offer (null: any value).
const FORM_FIELDS = {
  priceChange: { asset: null, direction: ['drop', 'rise'], percent: null, window: ['1h', '24h', '7d'] },
  priceLevel: { asset: null, when: ['below', 'above'], level: null },
  sentiment: { when: ['atOrBelow', 'atOrAbove'], value: null },
  depeg: { asset: null, percent: null },
  drawdown: { asset: null, percent: null, days: null },
  portfolioDrawdown: { holdings: null, percent: null, days: null, maxRiskPercent: null },
};
const TOP_LEVEL_FIELDS = ['name', 'for', 'repeatEvery', 'escalateEvery', 'allClear'];

/**
 * Whether the form can show `rule` without changing it: a known kind, no field the form lacks, select values it
 * offers, and combinations of 2-8 simple conditions (the API nests deeper; the form keeps to one level).
 */
export function fitsForm(rule, child = false) {
  if (!rule || typeof rule !== 'object' || Array.isArray(rule)) return false;
  const extra = child ? [] : TOP_LEVEL_FIELDS;
  if (!child && (rule.kind === 'allOf' || rule.kind === 'anyOf')) {
    return Object.keys(rule).every(key => key === 'kind' || key === 'rules' || extra.includes(key))
      && Array.isArray(rule.rules) && rule.rules.length >= 2 && rule.rules.length <= 8
      && rule.rules.every(childRule => fitsForm(childRule, true));
  }

  const fields = Object.hasOwn(FORM_FIELDS, rule.kind) ? FORM_FIELDS[rule.kind] : null;
  if (!fields) return false;
  return Object.entries(rule).every(([key, value]) => {
    if (key === 'kind' || extra.includes(key)) return true;
    if (!Object.hasOwn(fields, key)) return false;
    if (key === 'holdings') return value !== null && typeof value === 'object' && Object.values(value).every(q => typeof q === 'number');
    return fields[key] === null ? typeof value === (key === 'asset' ? 'string' : 'number') : fields[key].includes(value);
  });
}

function numberInput(value, props = {}) {
  return h('input', { type: 'number', inputmode: 'decimal', step: 'any', value: value ?? '', ...props });
}

/** The kind-specific fields: [name, label, control, hint] rows for a rule of `kind` starting from `rule`. */
function fieldsFor(kind, rule) {
  switch (kind) {
    case 'priceChange':
      return [
        ['asset', 'Asset', assetInput(rule.asset)],
        ['direction', 'Direction', select([['drop', 'Drop'], ['rise', 'Rise']], rule.direction ?? 'drop')],
        ['percent', 'By at least (%)', numberInput(rule.percent ?? 10, { min: 0 })],
        ['window', 'Within', select([['1h', '1 hour'], ['24h', '24 hours'], ['7d', '7 days']], rule.window ?? '24h')],
      ];
    case 'priceLevel':
      return [
        ['asset', 'Asset', assetInput(rule.asset)],
        ['when', 'When the price is', select([['below', 'Below'], ['above', 'Above']], rule.when ?? 'below')],
        ['level', 'Level (USD)', numberInput(rule.level ?? '', { min: 0 })],
      ];
    case 'sentiment':
      return [
        ['when', 'When Fear & Greed is', select([['atOrBelow', 'At or below'], ['atOrAbove', 'At or above']], rule.when ?? 'atOrBelow')],
        ['value', 'Value (0-100)', numberInput(rule.value ?? 20, { min: 0, max: 100, step: 1, inputmode: 'numeric' })],
      ];
    case 'depeg':
      return [
        ['asset', 'Stablecoin', assetInput(rule.asset, true)],
        ['percent', 'More than (% from $1.00)', numberInput(rule.percent ?? 3, { min: 0 })],
      ];
    case 'drawdown':
      return [
        ['asset', 'Asset', assetInput(rule.asset)],
        ['percent', 'Below the high by (%)', numberInput(rule.percent ?? 20, { min: 0 })],
        ['days', 'High over the last (days, 1-365)', numberInput(rule.days ?? 7, { min: 1, max: 365, step: 1, inputmode: 'numeric' })],
      ];
    case 'portfolioDrawdown':
      return [
        ['holdings', 'Holdings (asset=quantity, comma-separated)', h('input', {
          type: 'text', autocomplete: 'off', spellcheck: 'false',
          value: rule.holdings ? Object.entries(rule.holdings).map(([a, q]) => `${a}=${q}`).join(', ') : 'BTC=0.5, USDC=2000',
        }), 'For example BTC=0.5, ETH=2, USDC=2000'],
        ['percent', 'Portfolio below its high by (%)', numberInput(rule.percent ?? 15, { min: 0 })],
        ['days', 'High over the last (days, 1-365)', numberInput(rule.days ?? 30, { min: 1, max: 365, step: 1, inputmode: 'numeric' })],
        ['maxRiskPercent', 'Most you want in volatile assets (%)', numberInput(rule.maxRiskPercent ?? 60, { min: 0, max: 100 })],
      ];
    default:
      return [];
  }
}

function readValue(name, control) {
  if (name === 'holdings') {
    const holdings = {};
    for (const part of control.value.split(',').map(p => p.trim()).filter(Boolean)) {
      const [asset, quantity] = part.split('=').map(p => p.trim());
      holdings[asset] = quantity === undefined || quantity === '' || Number.isNaN(Number(quantity)) ? quantity ?? null : Number(quantity);
    }

    return holdings;
  }

  if (control.type === 'number') {
    // Empty or not a number: sent as typed, so the API names the problem beside the field.
    return control.value === '' ? undefined : Number.isNaN(control.valueAsNumber) ? control.value : control.valueAsNumber;
  }

  return control.value;
}

/**
 * An editor for one rule at `path` ("" for the top level, "rules[1]." for a child). Returns { element, read }.
 * Children of a combination are simple rules (the API nests deeper; the form keeps to one level).
 */
export function ruleEditor(rule = { kind: 'priceChange' }, path = '', { child = false, onRemove } = {}) {
  const kinds = child ? SIMPLE_KINDS : KINDS;
  const kind = select(kinds, rule.kind ?? 'priceChange', { name: 'kind' });
  const body = h('div', { className: 'kind-fields' });
  const element = h('fieldset', { className: child ? 'rule child' : 'rule' },
    h('legend', { text: child ? `Condition ${childNumber(path)}` : 'Rule' }),
    field('Kind', kind, { path: `${path}kind` }),
    body);
  if (onRemove) element.append(h('button', { type: 'button', className: 'secondary', text: `Remove condition ${childNumber(path)}`, onclick: onRemove }));

  let read = () => ({});
  const render = (current) => {
    body.replaceChildren();
    if (kind.value === 'allOf' || kind.value === 'anyOf') {
      const readChildren = renderCombination(body, current, path);
      read = () => ({ kind: kind.value, ...readChildren() });
      return;
    }

    const rows = fieldsFor(kind.value, current);
    for (const [name, label, control, hint] of rows) {
      control.name = name;
      body.append(field(label, control, { path: `${path}${name}`, hint }));
    }

    read = () => {
      const result = { kind: kind.value };
      for (const [name, , control] of rows) {
        const value = readValue(name, control);
        if (value !== undefined) result[name] = value;
      }

      return result;
    };
  };

  kind.addEventListener('change', () => render({ kind: kind.value }));
  render(rule);
  return { element, read: () => read() };
}

function childNumber(path) {
  const match = /\[(\d+)\]\.$/.exec(path);
  return match ? Number(match[1]) + 1 : '';
}

function renderCombination(container, rule, path) {
  const list = h('div', { className: 'children' });
  const error = h('p', { className: 'error', hidden: true });
  const wrapper = h('div', { className: 'field', dataset: { path: `${path}rules` } }, list, error);
  const editors = [];
  const initial = Array.isArray(rule.rules) && rule.rules.length > 0
    ? rule.rules
    : [{ kind: 'priceChange', asset: 'BTC', direction: 'drop', percent: 10, window: '24h' }, { kind: 'sentiment', when: 'atOrBelow', value: 20 }];

  const rebuild = (rules) => {
    list.replaceChildren();
    editors.length = 0;
    rules.forEach((childRule, index) => {
      const editor = ruleEditor(childRule, `${path}rules[${index}].`, {
        child: true,
        onRemove: rules.length > 2 ? () => rebuild(editors.map(e => e.read()).filter((_, i) => i !== index)) : undefined,
      });
      editors.push(editor);
      list.append(editor.element);
    });
  };

  rebuild(initial);
  const add = h('button', {
    type: 'button', className: 'secondary', text: 'Add a condition',
    onclick: () => rebuild([...editors.map(e => e.read()), { kind: 'priceChange' }]),
  });
  container.append(wrapper, add);
  return () => ({ rules: editors.map(e => e.read()) });
}

/** The lifecycle fields every top-level rule takes. */
export function lifecycleFields(rule = {}) {
  const hold = h('input', { type: 'text', name: 'for', value: rule.for ?? '', placeholder: 'e.g. 2h', autocomplete: 'off' });
  const repeat = h('input', { type: 'text', name: 'repeatEvery', value: rule.repeatEvery ?? '', placeholder: 'e.g. 6h', autocomplete: 'off' });
  const escalate = numberInput(rule.escalateEvery, { name: 'escalateEvery', min: 0, max: 100, placeholder: 'e.g. 10' });
  const allClear = h('input', { type: 'checkbox', name: 'allClear', checked: Boolean(rule.allClear) });
  const element = h('fieldset', { className: 'lifecycle' }, h('legend', { text: 'When to tell you' }),
    field('Hold for (before it fires)', hold, { path: 'for', hint: 'Empty: fire at once. Ticks are daily in the preview.' }),
    field('Repeat while firing, every', repeat, { path: 'repeatEvery', hint: 'Empty: once per episode. At least 15m.' }),
    field('Tell me again each time it goes this many points further', escalate, {
      path: 'escalateEvery',
      hint: 'Price change, drawdown, depeg and portfolio rules. Empty: never (depeg: every 5). 0: never.',
    }),
    field('Send an all-clear when it resolves', allClear, { path: 'allClear' }));
  return {
    element,
    apply(target) {
      if (hold.value.trim()) target.for = hold.value.trim();
      if (repeat.value.trim()) target.repeatEvery = repeat.value.trim();
      if (escalate.value.trim()) target.escalateEvery = Number(escalate.value);
      if (allClear.checked) target.allClear = true;
      return target;
    },
  };
}

/** A one-line description of a rule, for the list. */
export function describe(rule) {
  switch (rule.kind) {
    case 'priceChange': return `${rule.asset} ${rule.direction === 'rise' ? 'up' : 'down'} ${rule.percent}% in ${rule.window}`;
    case 'priceLevel': return `${rule.asset} ${rule.when} $${rule.level}`;
    case 'sentiment': return `Fear & Greed ${rule.when === 'atOrAbove' ? 'at or above' : 'at or below'} ${rule.value}`;
    case 'depeg': return `${rule.asset} more than ${rule.percent}% off $1.00`;
    case 'drawdown': return `${rule.asset} ${rule.percent}% below its ${rule.days}-day high`;
    case 'portfolioDrawdown': return `Portfolio (${Object.keys(rule.holdings ?? {}).join(', ')}) ${rule.percent}% below its ${rule.days}-day high`;
    case 'allOf': return (rule.rules ?? []).map(describe).join(' and ');
    case 'anyOf': return (rule.rules ?? []).map(describe).join(' or ');
    default: return rule.kind;
  }
}
