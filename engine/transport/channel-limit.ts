// At most N of something at once, the rest waiting their turn: commands on one SSH connection
// (OpenSSH's sshd refuses more than MaxSessions, default 10, channels per connection) and SSH
// handshakes in progress over a whole run.
export class ChannelLimit {
  private active = 0;
  private waiting: Array<() => void> = [];
  constructor(readonly max: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}
