import type { TrackingConfig } from '../config/tracking-config.ts';
import type { MinorUnits } from '../money/minor-units.ts';
import type { LineItem } from '../order/order.ts';
import { FIELD_LIMITS, truncate } from './conversion.ts';
import { type ExplainLine, explainLine, merchantRuleName } from './explain-line.ts';
import { type CompiledRules, describeRule } from './rule-matching.ts';

/** One impact.com item: all order lines sharing a SKU, merged, because impact.com modifies items by SKU. */
export interface TrackedItem {
  readonly sku: string;
  readonly category: string;
  readonly name: string;
  readonly quantity: number;
  readonly subtotal: MinorUnits;
  readonly discount: MinorUnits;
}

export interface ItemSelection {
  readonly items: readonly TrackedItem[];
  readonly explain: readonly ExplainLine[];
}

/**
 * Every line except gift cards, bundle components, lines with nothing sold, and SKUs an exclude rule matches; lines
 * with the same SKU merged, in order of first appearance.
 */
export function selectItems(lines: readonly LineItem[], config: TrackingConfig, rules: CompiledRules): ItemSelection {
  const explain: ExplainLine[] = [];
  const bySku = new Map<string, { sku: string; category: string; name: string; quantity: number; subtotal: number; discount: number; lines: number }>();

  for (const line of lines) {
    const label = `line ${line.id}${line.name ? ` (${line.name})` : ''}`;
    const item = line.name ? `"${line.name}"` : `Line ${line.id}`;
    if (line.giftCard) {
      explain.push(explainLine(`${label} left out: gift card`, `${item} is not counted: it is a gift card.`));
      continue;
    }
    if (line.partOf !== null) {
      explain.push(explainLine(`${label} left out: part of line ${line.partOf}, whose price includes it`, `${item} is not counted: it is part of a bundle whose price includes it.`));
      continue;
    }
    if (line.quantity === 0) {
      explain.push(explainLine(`${label} left out: quantity 0`, `${item} is not counted: its quantity is 0.`));
      continue;
    }
    const { sku, from } = itemSku(line);
    if (from !== 'sku') explain.push(explainLine(`${label} has no SKU: ItemSku is its ${from} ${sku}`, `${item} has no SKU: it is sent as its ${from} ${sku}.`));
    const exclusion = rules.sku.exclusions.first(sku);
    if (exclusion) {
      explain.push(
        explainLine(
          `${label} left out: SKU ${sku} excluded by ${describeRule('skus', exclusion.index, exclusion.rule.match, exclusion.rule.sku)}`,
          `${item} is not counted: SKU ${sku} is excluded by ${merchantRuleName('skus', exclusion.index)}.`,
        ),
      );
      continue;
    }
    const existing = bySku.get(sku);
    if (existing) {
      existing.quantity += line.quantity;
      existing.subtotal += line.subtotal;
      existing.discount += line.discount;
      existing.lines += 1;
      continue;
    }
    const categoryRule = rules.sku.categories.first(sku);
    const category = categoryRule?.rule.category ?? config.defaultCategory;
    explain.push(
      categoryRule
        ? explainLine(
            `SKU ${sku}: category ${category} from ${describeRule('skus', categoryRule.index, categoryRule.rule.match, categoryRule.rule.sku)}`,
            `SKU ${sku} is in category ${category} (${merchantRuleName('skus', categoryRule.index)}).`,
          )
        : explainLine(`SKU ${sku}: no SKU rule matches, defaultCategory ${category}`, `SKU ${sku} matches no SKU rule: it is in the default category ${category}.`),
    );
    bySku.set(sku, { sku, category, name: line.name, quantity: line.quantity, subtotal: line.subtotal, discount: line.discount, lines: 1 });
  }

  const items: TrackedItem[] = [];
  for (const item of bySku.values()) {
    if (item.lines > 1) explain.push(explainLine(`SKU ${item.sku}: ${item.lines} lines merged, quantity ${item.quantity}`, `SKU ${item.sku} is on ${item.lines} lines: sent once, quantity ${item.quantity}.`));
    items.push({
      sku: truncate(item.sku, FIELD_LIMITS.ItemSku),
      category: truncate(item.category, FIELD_LIMITS.ItemCategory),
      name: truncate(item.name, FIELD_LIMITS.ItemName),
      quantity: item.quantity,
      subtotal: item.subtotal as MinorUnits,
      discount: item.discount as MinorUnits,
    });
  }
  return { items, explain };
}

/** The line's trimmed SKU; when empty, the variant id, else the product id, else the line id. */
export function itemSku(line: Pick<LineItem, 'sku' | 'variantId' | 'productId' | 'id'>): { sku: string; from: 'sku' | 'variant id' | 'product id' | 'line id' } {
  const sku = line.sku?.trim();
  if (sku) return { sku, from: 'sku' };
  if (line.variantId) return { sku: line.variantId, from: 'variant id' };
  if (line.productId) return { sku: line.productId, from: 'product id' };
  return { sku: line.id, from: 'line id' };
}
