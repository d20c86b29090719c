const ROUTES = { "/": "home", "/orders": "orders", "/orders/new": "new order" };

export function routeName(path) {
  return ROUTES[path] || "not found";
}
