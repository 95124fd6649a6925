// Placeholder: this screen is being built.
export default function Tasks() {
  return <h1>Tasks</h1>;
}
