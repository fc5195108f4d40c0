// Building the page from elements and text nodes only: every text the API returns (messages hold user-provided data) goes in as a
// text node.

let counter = 0;

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') element.textContent = String(value);
    else if (key === 'className') element.className = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'value') element.value = value;
    else if (key === 'checked') element.checked = Boolean(value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }

  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  return element;
}

export function uid(prefix = 'f') {
  counter += 1;
  return `${prefix}${counter}`;
}

/**
 * A labelled form field with a slot for the API's error about it. `path` is the field's name in the API's
 * problem details ("percent", "rules[1].value", "quietHours.start").
 */
export function field(label, control, { path, hint } = {}) {
  control.id ||= uid();
  const error = h('p', { className: 'error', id: `${control.id}-error`, hidden: true });
  const described = [error.id];
  let hintElement = null;
  if (hint) {
    hintElement = h('p', { className: 'hint', id: `${control.id}-hint`, text: hint });
    described.unshift(hintElement.id);
  }

  control.setAttribute('aria-describedby', described.join(' '));
  const isCheck = control.type === 'checkbox';
  const labelElement = h('label', { for: control.id, text: label });
  return h('div', { className: isCheck ? 'field check' : 'field', dataset: { path: path ?? '' } },
    isCheck ? [control, labelElement] : [labelElement, control], hintElement, error);
}

export function select(options, value, props = {}) {
  return h('select', props, options.map(([optionValue, text]) =>
    h('option', { value: optionValue, selected: optionValue === value, text })));
}

/** Clears the errors a previous answer showed in the form. */
export function clearErrors(form) {
  for (const error of form.querySelectorAll('.error')) {
    error.textContent = '';
    error.hidden = true;
  }

  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

/**
 * Shows a problem's errors beside the fields they name (the nearest enclosing field for a deeper path, e.g.
 * "holdings.BTC" beside holdings) and the rest, or the problem's detail, at the top of the form. `prefix` is
 * removed from the paths first ("rule." for the preview, which wraps the rule).
 */
export function showProblem(form, problem, prefix = '') {
  clearErrors(form);
  const general = [];
  let first = null;
  const errors = problem?.errors ?? {};
  for (const [rawPath, messages] of Object.entries(errors)) {
    const path = prefix && rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) : rawPath;
    const target = findField(form, path);
    const text = [].concat(messages).join(' ');
    if (!target) {
      general.push(`${rawPath}: ${text}`);
      continue;
    }

    const error = target.querySelector(':scope > .error');
    error.textContent = error.textContent ? `${error.textContent} ${text}` : text;
    error.hidden = false;
    const control = target.querySelector(':scope > input, :scope > select, :scope > textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first ??= control;
    }
  }

  if (Object.keys(errors).length === 0) general.push(problem?.detail ?? problem?.title ?? 'Something went wrong.');
  const top = form.querySelector(':scope > .form-error');
  if (top) {
    top.textContent = general.join(' ');
    top.hidden = general.length === 0;
  }

  (first ?? top)?.focus?.();
}

function findField(form, path) {
  let current = path;
  while (current) {
    const found = [...form.querySelectorAll('[data-path]')].find(element => element.dataset.path === current);
    if (found) return found;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    if (cut <= 0) return null;
    current = current.slice(0, cut);
  }

  return null;
}

export function formError() {
  return h('p', { className: 'error form-error', role: 'alert', tabindex: '-1', hidden: true });
}

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
