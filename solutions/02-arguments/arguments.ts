/**
 * Exercise 2: arguments — the reference solution.
 */
import { writeFileSync } from "node:fs";
import { type ContextName, Process, task } from "@multiproc/core";

/**
 * One line of an order. Prices are in cents, so that they stay whole numbers.
 *
 * @example
 * ```ts
 * const pencil: Item = { name: "pencil", priceCents: 99, quantity: 3 };
 * ```
 */
export interface Item {
  name: string;
  priceCents: number;
  quantity: number;
}

/**
 * An order, as the shop keeps it.
 *
 * @example
 * ```ts
 * const order: Order = { customer: "Ada", items: [pencil], placed: new Date(), tags: new Set(["gift"]) };
 * ```
 */
export interface Order {
  customer: string;
  items: Item[];
  placed: Date;
  tags: Set<string>;
}

/**
 * The summary of an order that the children write to a file.
 *
 * @example
 * ```ts
 * const receipt: Receipt = { customer: "Ada", totalCents: 297, itemCount: 3, placed: "2024-03-01T09:30:00.000Z", tags: ["gift"] };
 * ```
 */
export interface Receipt {
  customer: string;
  /** The sum of price × quantity over the items. */
  totalCents: number;
  /** The sum of the quantities. */
  itemCount: number;
  /** `placed` as an ISO string (`date.toISOString()`). */
  placed: string;
  /** The tags, sorted alphabetically. */
  tags: string[];
}

// ── 1. A task with arguments ────────────────────────────────────────────────────────────────

/**
 * Works out the receipt of an order, in whichever process calls it.
 *
 * @example
 * ```ts
 * receiptOf(order).totalCents; // 297 for 3 pencils at 99 cents
 * ```
 */
export function receiptOf(order: Order): Receipt {
  return {
    customer: order.customer,
    totalCents: order.items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
    itemCount: order.items.reduce((sum, item) => sum + item.quantity, 0),
    placed: order.placed.toISOString(),
    tags: [...order.tags].sort(),
  };
}

/**
 * A task: writes the receipt of `order` to the file `file`, as JSON.
 *
 * @example
 * ```ts
 * writeReceipt("/tmp/receipt.json", order); // here, in this process
 * ```
 */
export const writeReceipt = task(import.meta, function writeReceipt(file: string, order: Order): void {
  writeFileSync(file, JSON.stringify(receiptOf(order)));
});

// ── 2. Pass the arguments ───────────────────────────────────────────────────────────────────

/**
 * Runs `writeReceipt(file, order)` in a child in `context`, waits for it, returns its exit code.
 *
 * @example
 * ```ts
 * await receiptInChild("/tmp/receipt.json", order, "process"); // 0
 * ```
 */
export async function receiptInChild(file: string, order: Order, context: ContextName): Promise<number | null> {
  const child = new Process({ target: writeReceipt, args: [file, order], context });
  child.start();
  await child.join();
  return child.exitCode;
}

// ── 3. Copied when the child starts ─────────────────────────────────────────────────────────

/**
 * Starts `writeReceipt(file, order)` in a child in `context`; then, while the child runs,
 * changes `order.customer` to `newName` here; then waits for the child and returns its exit code.
 *
 * @example
 * ```ts
 * await renameAfterStart("/tmp/receipt.json", order, "Grace", "thread");
 * order.customer; // "Grace", but the receipt says "Ada"
 * ```
 */
export async function renameAfterStart(file: string, order: Order, newName: string, context: ContextName): Promise<number | null> {
  const child = new Process({ target: writeReceipt, args: [file, order], context });
  child.start();
  order.customer = newName;
  await child.join();
  return child.exitCode;
}

// ── 4. Changes stay in the child ────────────────────────────────────────────────────────────

/**
 * A task: doubles the quantity of every item of the `order` it receives (changing that object),
 * then writes the receipt of the changed order to `file`.
 *
 * @example
 * ```ts
 * doubleOrder("/tmp/receipt.json", order); // order.items[0].quantity is now 6
 * ```
 */
export const doubleOrder = task(import.meta, function doubleOrder(file: string, order: Order): void {
  for (const item of order.items) item.quantity *= 2;
  writeFileSync(file, JSON.stringify(receiptOf(order)));
});

/**
 * Runs `doubleOrder(file, order)` in a child in `context`, waits for it, and returns `order`.
 *
 * @example
 * ```ts
 * const same = await doubleInChild("/tmp/receipt.json", order, "process");
 * same === order; // true, and its quantities are unchanged
 * ```
 */
export async function doubleInChild(file: string, order: Order, context: ContextName): Promise<Order> {
  const child = new Process({ target: doubleOrder, args: [file, order], context });
  child.start();
  await child.join();
  return order;
}
