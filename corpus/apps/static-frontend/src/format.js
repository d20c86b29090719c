export const STATUS_LINE = "static-frontend selftest: bundle served by nginx";

export function formatTodo(todo, index) {
  return `${index + 1}. ${todo.done ? "[x]" : "[ ]"} ${todo.title}`;
}
