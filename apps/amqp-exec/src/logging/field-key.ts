/**
 * Field keys are written snake_case whatever the caller wrote (`messageId` → `message_id`,
 * `HTTPStatus` → `http_status`, `x-request-id` → `x_request_id`), so logfmt and JSON lines
 * carry the same keys and a query never has to guess the casing. Characters logfmt cannot
 * carry in a key (spaces, `=`, quotes, control characters) become `_`; dots stay, for
 * dotted names such as `amqp.routing_key`.
 */
export function toFieldKey(key: string): string {
  const snake = key
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1_$2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1_$2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_.]/gu, '_');
  return snake === '' ? '_' : snake;
}
