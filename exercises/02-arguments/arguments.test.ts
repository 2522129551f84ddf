import type { ContextName } from "@multiproc/core";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  doubleInChild,
  doubleOrder,
  type Order,
  type Receipt,
  receiptInChild,
  receiptOf,
  renameAfterStart,
  writeReceipt,
} from "./arguments.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/** A fresh order for each test: 2 × 350 + 1 × 1200 + 3 × 99 cents. */
function anOrder(): Order {
  return {
    customer: "Ada",
    items: [
      { name: "notebook", priceCents: 350, quantity: 2 },
      { name: "lamp", priceCents: 1200, quantity: 1 },
      { name: "pencil", priceCents: 99, quantity: 3 },
    ],
    placed: new Date("2024-03-01T09:30:00.000Z"),
    tags: new Set(["gift", "express"]),
  };
}

/** Its receipt. */
const anOrdersReceipt: Receipt = {
  customer: "Ada",
  totalCents: 2 * 350 + 1200 + 3 * 99,
  itemCount: 6,
  placed: "2024-03-01T09:30:00.000Z",
  tags: ["express", "gift"],
};

/** A path for a receipt, in a fresh temporary folder. */
function receiptFile(): string {
  return join(mkdtempSync(join(tmpdir(), "receipt-")), "receipt.json");
}

function readReceipt(file: string): Receipt {
  expect(existsSync(file), `the child should have written ${file}`).toBe(true);
  return JSON.parse(readFileSync(file, "utf8")) as Receipt;
}

describe("1. A task with arguments", () => {
  it("receiptOf sums prices and quantities, and turns the date and tags into text", () => {
    expect(receiptOf(anOrder())).toEqual(anOrdersReceipt);
  });

  it("receiptOf of an order without items has a total of 0", () => {
    const empty: Order = { customer: "Grace", items: [], placed: new Date(0), tags: new Set() };
    expect(receiptOf(empty)).toEqual({ customer: "Grace", totalCents: 0, itemCount: 0, placed: "1970-01-01T00:00:00.000Z", tags: [] });
  });

  it("writeReceipt writes the receipt as JSON when called here", () => {
    const file = receiptFile();
    writeReceipt(file, anOrder());
    expect(readReceipt(file)).toEqual(anOrdersReceipt);
  });
});

describe("2. Pass the arguments", () => {
  it("receiptInChild runs writeReceipt in a child, which ends with exit code 0", async () => {
    const file = receiptFile();
    expect(await receiptInChild(file, anOrder(), context)).toBe(0);
    expect(readReceipt(file)).toEqual(anOrdersReceipt);
  });

  it("the child gets the Date and the Set as a Date and a Set", async () => {
    // The receipt can only have these values if the child could call toISOString() and spread the Set.
    const file = receiptFile();
    await receiptInChild(file, anOrder(), context);
    expect(readReceipt(file).placed).toBe("2024-03-01T09:30:00.000Z");
    expect(readReceipt(file).tags).toEqual(["express", "gift"]);
  });
});

describe("3. Copied when the child starts", () => {
  it("a change made after start() does not reach the child", async () => {
    const file = receiptFile();
    const order = anOrder();
    expect(await renameAfterStart(file, order, "Someone else", context)).toBe(0);
    expect(readReceipt(file).customer).toBe("Ada");
  });

  it("the change is made in this process", async () => {
    const order = anOrder();
    await renameAfterStart(receiptFile(), order, "Someone else", context);
    expect(order.customer).toBe("Someone else");
  });
});

describe("4. Changes stay in the child", () => {
  it("doubleOrder doubles the quantities of the order it is given, when called here", () => {
    const order = anOrder();
    const file = receiptFile();
    doubleOrder(file, order);
    expect(order.items.map((item) => item.quantity)).toEqual([4, 2, 6]);
    expect(readReceipt(file)).toMatchObject({ itemCount: 12, totalCents: 2 * anOrdersReceipt.totalCents });
  });

  it("in a child, doubleOrder changes the child's copy: its receipt shows the doubled order", async () => {
    const file = receiptFile();
    await doubleInChild(file, anOrder(), context);
    expect(readReceipt(file)).toMatchObject({ itemCount: 12, totalCents: 2 * anOrdersReceipt.totalCents });
  });

  it("the parent's order is not changed by the child", async () => {
    const order = anOrder();
    const returned = await doubleInChild(receiptFile(), order, context);
    expect(returned).toBe(order);
    expect(order.items.map((item) => item.quantity)).toEqual([2, 1, 3]);
  });
});
