/**
 * The Bot API objects this mock puts on the wire, as the Bot API spec names their fields
 * (snake_case, optional fields omitted rather than null).
 */

/** A Telegram user or bot (`User`). */
export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  /** Only in getMe. */
  can_join_groups?: boolean;
  can_read_all_group_messages?: boolean;
  supports_inline_queries?: boolean;
  can_connect_to_business?: boolean;
  has_main_web_app?: boolean;
}

/** A chat (`Chat`); the mock models private chats only, whose id equals the user's id. */
export interface TgChat {
  id: number;
  type: 'private';
  first_name: string;
  last_name?: string;
  username?: string;
}

/** A formatting or detected entity (`MessageEntity`); offsets and lengths in UTF-16 code units. */
export interface TgMessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: { id: number; is_bot: boolean; first_name: string };
  language?: string;
  custom_emoji_id?: string;
}

/** A message (`Message`), as much of it as this mock produces. */
export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  /** Unix time, seconds. */
  date: number;
  text?: string;
  entities?: TgMessageEntity[];
  /** Only inline keyboards are echoed back, as Telegram does. */
  reply_markup?: unknown;
}

/** A member's status in a chat (`ChatMember`), reduced to what `my_chat_member` needs. */
export interface TgChatMember {
  user: TgUser;
  status: 'member' | 'kicked';
  until_date?: number;
}

/** `ChatMemberUpdated`: the bot's own membership changed (blocked / unblocked in a private chat). */
export interface TgChatMemberUpdated {
  chat: TgChat;
  from: TgUser;
  date: number;
  old_chat_member: TgChatMember;
  new_chat_member: TgChatMember;
}

/** The update kinds this mock emits. */
export type TgUpdateType = 'message' | 'my_chat_member';

/** An incoming update (`Update`). */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  my_chat_member?: TgChatMemberUpdated;
}

/** `ResponseParameters` of an error answer: exactly these two fields exist. */
export interface TgResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}
