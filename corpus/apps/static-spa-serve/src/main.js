// The client-side router: shows which route the browser asked for.
import { routeName } from "./routes.js";

document.getElementById("app").textContent = routeName(location.pathname);
