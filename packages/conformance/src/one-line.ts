// What the command-line tools print on stderr is one line, whatever the message holds (a server's
// close reason or error type, a command's output, an argument with a newline in it).

export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
