/**
 * What the web chat page needs to know of the server's settings, served as /assets/settings.json.
 * Free of imports so that the page's type-checked JavaScript can share it.
 */
export interface PageSettings {
  /** The longest chat message, in user-perceived characters (grapheme clusters): MAX_MESSAGE_CHARS. */
  maxMessageChars: number;
  /** The largest WebSocket frame the server takes, in bytes: WS_MAX_PAYLOAD_BYTES. */
  maxFrameBytes: number;
}
