import * as trio from "../../runtime/index.ts";

/** Raised by {@link Scoreboard.transfer} when the giver has fewer points than asked. */
export class NotEnoughPoints extends Error {
  constructor(readonly player: string, readonly has: number, readonly wanted: number) {
    super(`${player} has ${has} points, cannot give ${wanted}`);
    this.name = "NotEnoughPoints";
  }
}

/** Scores of a multiplayer game, updated by many tasks at once. */
export class Scoreboard {
  readonly scores = new Map<string, number>();
  /** Records an audit entry; slow, like a database write. */
  readonly save: (entry: string) => Promise<void>;

  constructor(save: (entry: string) => Promise<void> = () => trio.sleep(0.1)) {
    this.save = save;
  }

  /** The player's score (0 when unknown). */
  score(player: string): number {
    return this.scores.get(player) ?? 0;
  }

  /** Adds `points` to the player's score. */
  async addPoints(player: string, points: number): Promise<void> {
    // TODO: another task can run during the `await` below and update the same score: use a trio.Lock.
    const current = this.score(player);
    await this.save(`${player} +${points}`);
    this.scores.set(player, current + points);
  }

  /** Moves `points` from one player to another; raises NotEnoughPoints (changing nothing) if `from` has too few. */
  async transfer(from: string, to: string, points: number): Promise<void> {
    // TODO: the same race, across two scores: hold the lock for the whole transfer.
    const has = this.score(from);
    if (has < points) throw new NotEnoughPoints(from, has, points);
    const receiverHas = this.score(to);
    await this.save(`${from} -> ${to}: ${points}`);
    this.scores.set(from, has - points);
    this.scores.set(to, receiverHas + points);
  }
}
