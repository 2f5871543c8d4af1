// What an implementation returned, as a `contract` failure shows it: JSON when it can be written,
// shortened in the middle, whatever the value is (undefined, a cycle, a class instance).
export function describeReturned(value: unknown): string {
  let text = value === undefined ? 'undefined' : String(value);
  try {
    text = JSON.stringify(value) ?? text;
  } catch {
    // a value JSON cannot write (a cycle): String() said what it could
  }
  return text.length > 160 ? `${text.slice(0, 100)} … ${text.slice(-40)}` : text;
}
