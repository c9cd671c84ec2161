/** The three channels of a plugin as its thread's runtime code uses them. */
/** Anything with MessagePort's on/off/postMessage/start (a MessagePort or a ChannelPort). */
export interface PortLike {
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
  postMessage(value: unknown): void;
  start(): void;
}

export interface PluginPorts {
  control: PortLike;
  api: PortLike;
  events: PortLike;
}
