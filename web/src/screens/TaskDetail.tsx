// Placeholder: this screen is being built.
export default function TaskDetail() {
  return <h1>TaskDetail</h1>;
}
