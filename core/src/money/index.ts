export { type CurrencyCode, currencyExponent, toCurrencyCode } from './currency.ts';
export {
  type MinorUnits,
  ZERO,
  formatMinorUnits,
  parseMinorUnits,
  scaleMinorUnits,
  sumMinorUnits,
} from './minor-units.ts';
