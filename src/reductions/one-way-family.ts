import type { Task } from "../tasks/task.js";

/**
 * What a one-way reduction from INDEX fixes about a task: Alice's tokens, position by position (a position with one
 * choice is fixed), and for each of Alice's positions with a choice, Bob's tokens that ask for it. Two Alice inputs
 * with one message that differ at position t get one answer to query(t), but the task's answers differ: an error.
 */
export interface OneWayFamily {
  readonly theorem: string;
  readonly task: Task;
  /** Alice's tokens at each position 0..cut-1. */
  readonly choices: readonly (readonly string[])[];
  /** Bob's tokens asking for Alice's position t; the task's answer is the token Alice has there. */
  query(t: number): string[];
  /**
   * The answer is a sequence (copy): Bob's tokens are one query for every position (the delimiter), and the answer
   * for position t is output t of the model's greedy continuation after them, not the one label after query(t).
   * So one string and its query are one input, whatever the number of positions.
   */
  readonly continuation?: boolean;
  /**
   * Whether Alice's inputs with every query are all of the task's inputs. Only then does a clean walk of the family
   * check the whole task (index lookup: yes; associative recall fixes the order of the keys: no).
   */
  readonly coversTask: boolean;
}

export function cutOf(family: OneWayFamily): number {
  return family.choices.length;
}

/** Alice's positions that carry information (more than one choice). */
export function queriedPositions(family: OneWayFamily): number[] {
  return family.choices.flatMap((c, t) => (c.length > 1 ? [t] : []));
}

/** Number of Alice inputs in the family, exactly. */
export function familySize(family: OneWayFamily): bigint {
  // One power per distinct choice size: a product of N factors one by one costs N^2 bigint work (4 s at N = 200,000).
  const counts = new Map<number, number>();
  for (const c of family.choices) counts.set(c.length, (counts.get(c.length) ?? 0) + 1);
  let size = 1n;
  for (const [length, count] of counts) size *= BigInt(length) ** BigInt(count);
  return size;
}
