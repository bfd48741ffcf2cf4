# The part of nixpkgs' lib that generated modules use, with the same values
# (lib/modules.nix: mkOverride and mkOrder), so that evaluating a module
# shows which priority or order each option value carries.
{
  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  mkForce = content: {
    _type = "override";
    priority = 50;
    inherit content;
  };
  mkDefault = content: {
    _type = "override";
    priority = 1000;
    inherit content;
  };
  mkBefore = content: {
    _type = "order";
    priority = 500;
    inherit content;
  };
  mkAfter = content: {
    _type = "order";
    priority = 1500;
    inherit content;
  };
}
