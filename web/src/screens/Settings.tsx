// Placeholder: this screen is being built.
export default function Settings() {
  return <h1>Settings</h1>;
}
