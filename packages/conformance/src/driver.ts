// The agent side of a conformance run. Some pushes only happen when someone else acts: an agent
// joins the chat, types, sends a message, closes the thread; the server ends the session. A driver
// makes the server under test do that, through whatever back door the server has (an admin API, a
// test agent account). The kit asks it for every push it did not see happen by itself; a push the
// driver cannot cause (or a run without a driver) is reported as not run, never as passed.

/** The customer and the chat the kit is connected to when it asks for a push. */
export interface DriverTarget {
  customerId: string;
  chatId: string;
  threadId: string;
}

export interface ConformanceDriver {
  /** Shown in the report. */
  readonly name: string;
  /** The push actions this driver can make the server send (`new_event`, `thread_closed`, ...). */
  readonly pushes: readonly string[];
  /**
   * Makes the server send the push `push` to the customer's connections in the chat (resolves once
   * the server was asked; the kit then waits for the push on the socket). For the push that ends a
   * session, the server must also close the connection.
   */
  cause(push: string, target: DriverTarget): Promise<void>;
}
