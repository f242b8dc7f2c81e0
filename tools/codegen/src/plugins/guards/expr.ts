// Boolean expressions of the guards, as a tiny tree rather than strings, so that a condition can be
// negated (De Morgan down to its atoms) and constant parts folded away before it is printed:
// `if (typeof x !== 'string' || x.length < 1) return false;` instead of `if (!(...)) return false;`.

export type Expr =
  | { readonly kind: 'const'; readonly value: boolean }
  /**
   * A condition that binds tighter than `&&` (a comparison, a call, a `typeof` test), with its
   * exact negation. A comparison of numbers is negated by the opposite comparison, which is exact
   * only for numbers that are not NaN: the emitter always puts it after a conjunct that rules NaN out.
   */
  | { readonly kind: 'atom'; readonly code: string; readonly negated: string }
  | { readonly kind: 'and' | 'or'; readonly items: readonly Expr[] };

export const TRUE: Expr = { kind: 'const', value: true };
export const FALSE: Expr = { kind: 'const', value: false };

/** An atom; without `negated`, `code` must be a call or a primary expression (negated as `!code`). */
export function atom(code: string, negated = `!${code}`): Expr {
  return { kind: 'atom', code, negated };
}

function combine(kind: 'and' | 'or', items: readonly Expr[]): Expr {
  // `true` is neutral in a conjunction and absorbing in a disjunction; `false` the other way round.
  const neutral = kind === 'and';
  const flat: Expr[] = [];
  for (const item of items) {
    if (item.kind === 'const') {
      if (item.value === neutral) continue;
      return item;
    }
    if (item.kind === kind) flat.push(...item.items);
    else flat.push(item);
  }
  if (flat.length === 0) return neutral ? TRUE : FALSE;
  return flat.length === 1 ? flat[0]! : { kind, items: flat };
}

export const and = (...items: Expr[]): Expr => combine('and', items);
export const or = (...items: Expr[]): Expr => combine('or', items);

export function not(expr: Expr): Expr {
  switch (expr.kind) {
    case 'const':
      return expr.value ? FALSE : TRUE;
    case 'atom':
      return { kind: 'atom', code: expr.negated, negated: expr.code };
    case 'and':
      return or(...expr.items.map(not));
    case 'or':
      return and(...expr.items.map(not));
  }
}

export function isConst(expr: Expr, value: boolean): boolean {
  return expr.kind === 'const' && expr.value === value;
}

/** JavaScript for the expression; a disjunction inside a conjunction (and the reverse) is parenthesised. */
export function print(expr: Expr): string {
  switch (expr.kind) {
    case 'const':
      return String(expr.value);
    case 'atom':
      return expr.code;
    case 'and':
    case 'or': {
      const separator = expr.kind === 'and' ? ' && ' : ' || ';
      return expr.items.map((item) => (item.kind === 'and' || item.kind === 'or' ? `(${print(item)})` : print(item))).join(separator);
    }
  }
}

/** The expression's size in characters, to decide whether a named schema is small enough to inline. */
export function size(expr: Expr): number {
  return print(expr).length;
}
