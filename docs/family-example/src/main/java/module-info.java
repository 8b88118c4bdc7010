/**
 * A sample drop-in family: Jupyter servers on [8888, 8900). Drop its jar into a family folder
 * ({@code --family-path DIR}, {@code $KITTY_FAMILY_PATH} or {@code ~/.config/kitty/families}). A
 * drop-in may require only {@code dev.kitty.api} (and {@code java.base}).
 */
module dev.kitty.family.jupyter {
  requires dev.kitty.api;

  provides dev.kitty.api.Family with
      dev.kitty.family.jupyter.JupyterFamily;
}
