// Placeholder: this screen is being built.
export default function NewTask() {
  return <h1>NewTask</h1>;
}
