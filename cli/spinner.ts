/**
 * A one-line spinner for a TTY: redrawn in place every 100 ms with the latest text; lines printed
 * through it first clear the spinner, then it is drawn again below them. On anything but a TTY it
 * is inert and `print` writes plain lines.
 */
import type { OutStream } from './render';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';

export class Spinner {
  private text = '';
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;
  readonly active: boolean;

  constructor(
    private readonly stream: OutStream,
    enabled: boolean,
  ) {
    this.active = enabled && stream.isTTY === true;
  }

  /** Starts (or updates) the spinner's text. */
  update(text: string): void {
    if (!this.active) return;
    this.text = text;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
    this.draw();
  }

  /** Writes a line above the spinner. */
  print(line: string): void {
    if (this.drawn) this.stream.write(CLEAR_LINE);
    this.stream.write(`${line}\n`);
    this.drawn = false;
    if (this.timer) this.draw();
  }

  /** Removes the spinner for good. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.stream.write(CLEAR_LINE);
    this.drawn = false;
  }

  private draw(): void {
    const columns = this.stream.columns ?? 80;
    const line = `${FRAMES[this.frame++ % FRAMES.length]} ${this.text}`;
    this.stream.write(`${CLEAR_LINE}${line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line}`);
    this.drawn = true;
  }
}
