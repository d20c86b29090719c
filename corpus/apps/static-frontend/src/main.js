import { STATUS_LINE, formatTodo } from "./format.js";

const todos = [
  { title: "write the Dockerfile", done: true },
  { title: "make it multi-stage", done: false },
];

function render(root) {
  const list = document.createElement("ol");
  todos.forEach((t, i) => {
    const li = document.createElement("li");
    li.textContent = formatTodo(t, i);
    list.appendChild(li);
  });
  root.replaceChildren(list);
  document.body.dataset.status = STATUS_LINE;
}

render(document.getElementById("app"));
