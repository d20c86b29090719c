export default function Home() {
  return <main>Ask /api/greeting?name=you</main>;
}
