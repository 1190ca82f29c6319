export { type CurrencyCode, currencyExponent, toCurrencyCode } from './currency.ts';
export {
  AmountOutOfRangeError,
  type MinorUnits,
  ZERO,
  formatMinorUnits,
  multiplyMinorUnits,
  parseMinorUnits,
  scaleMinorUnits,
  sumMinorUnits,
} from './minor-units.ts';
